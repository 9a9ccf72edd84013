export interface RateLimitOptions {
  /** Sustained requests per second for the whole org (§3: 30). */
  rps?: number;
  /** Bucket size: how many requests may arrive at once (§3: up to 50). */
  burst?: number;
  /** HTTP status of the rate-limit answer; the real one is undocumented (§0.4), so tests can try both. */
  status?: 200 | 429;
}

export const DEFAULT_RATE_LIMIT: Required<RateLimitOptions> = { rps: 30, burst: 50, status: 200 };

/** One bucket per org; every user token belongs to the master token's org, so the fake needs one. */
export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();

  constructor(
    private readonly rps: number,
    private readonly burst: number,
  ) {
    if (!(rps > 0) || !(burst >= 1)) throw new RangeError(`fake Tray: rate limit needs rps > 0 and burst >= 1`);
    this.tokens = burst;
  }

  tryTake(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rps);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  refill(): void {
    this.tokens = this.burst;
    this.refilledAt = performance.now();
  }
}
