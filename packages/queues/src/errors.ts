import { UnrecoverableError } from 'bullmq';

/** Retrying cannot help (bad payload, unknown user, no contact, SMTP 5xx): fail now, dead-letter. */
export class PermanentError extends UnrecoverableError {
  constructor(message: string, readonly reason: string = 'permanent') {
    super(message);
    this.name = 'PermanentError';
  }
}

/** Worth retrying with backoff (network, timeouts, 5xx, SMTP 4xx). */
export class TransientError extends Error {
  constructor(message: string, readonly reason: string = 'transient', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
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
