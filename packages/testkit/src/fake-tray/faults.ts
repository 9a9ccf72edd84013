/** Failures a test asks for, consumed one GraphQL request at a time. */
export class Faults {
  private readonly failures: number[] = [];
  private forcedRateLimits = 0;
  private failureRate = 0;

  failNext(n: number, status: number): void {
    checkCount(n);
    for (let i = 0; i < n; i += 1) this.failures.push(status);
  }

  rateLimitNext(n: number): void {
    checkCount(n);
    this.forcedRateLimits += n;
  }

  setFailureRate(p: number): void {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`fake Tray: failure rate must be within [0, 1], got ${p}`);
    this.failureRate = p;
  }

  /** The status to fail this request with, if any. */
  takeFailure(): number | undefined {
    const queued = this.failures.shift();
    if (queued !== undefined) return queued;
    return Math.random() < this.failureRate ? 500 : undefined;
  }

  takeForcedRateLimit(): boolean {
    if (this.forcedRateLimits === 0) return false;
    this.forcedRateLimits -= 1;
    return true;
  }

  clear(): void {
    this.failures.length = 0;
    this.forcedRateLimits = 0;
    this.failureRate = 0;
  }
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`fake Tray: expected a count >= 0, got ${n}`);
}
