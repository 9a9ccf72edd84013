import { UnrecoverableError } from 'bullmq';

/**
 * BullMQ keeps a failed job's message and stack, not the error object: the code is written into the
 * stack's first line (`PermanentError [no-contact]: …`) so a dead-letter copy made later, at the
 * next start, still knows it.
 */
function stampCode(error: Error, code: string): void {
  error.stack = (error.stack ?? '').replace(/^[^\n:]*/, `${error.name} [${code}]`);
}

/** Retrying cannot help (bad payload, unknown user, no contact, SMTP 5xx): fail now, dead-letter. */
export class PermanentError extends UnrecoverableError {
  constructor(message: string, readonly reason: string = 'permanent') {
    super(message);
    this.name = 'PermanentError';
    stampCode(this, reason);
  }
}

/** Worth retrying with backoff (network, timeouts, 5xx, SMTP 4xx). */
export class TransientError extends Error {
  constructor(message: string, readonly reason: string = 'transient', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
    stampCode(this, reason);
  }
}

/** The machine-readable code of a failure: from the error, or from the stack BullMQ kept of it. */
export function errorCode(error: unknown, stack?: readonly string[]): string | undefined {
  const reason = (error as { reason?: unknown } | null | undefined)?.reason;
  if (typeof reason === 'string') return reason;
  return /^\w+ \[([\w.-]+)\]:/.exec(stack?.at(-1) ?? '')?.[1];
}

/** The upstream asked us to slow down; the job waits without spending an attempt. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number, readonly upstream: string) {
    super(`${upstream} rate limit exceeded; retry in ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
  }
}

/** This job cannot run yet but has not failed: run it again after `delayMs`, spending no attempt. */
export class DeferredError extends Error {
  constructor(readonly delayMs: number, why: string) {
    super(`deferred ${delayMs} ms: ${why}`);
    this.name = 'DeferredError';
  }
}
