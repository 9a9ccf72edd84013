import { ClientError } from 'graphql-request';
import { PermanentError, RateLimitedError, TransientError } from '@reauth/queues';

export type TokenKind = 'master' | 'user';

/** A user token was refused (expired or revoked): mint a fresh one and try once more. */
export class UserTokenRejectedError extends TransientError {
  constructor(status: number) {
    super(`Tray refused the user token (HTTP ${status})`, 'user-token-rejected');
    this.name = 'UserTokenRejectedError';
  }
}

interface TrayGraphQLError {
  message?: string;
  extensions?: { name?: string; code?: string };
}

const RATE_LIMIT_MESSAGE = 'Rate limit exceeded';
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

function retryAfterMs(headers: Headers | undefined): number {
  const value = headers?.get('retry-after');
  if (!value) return DEFAULT_RATE_LIMIT_WAIT_MS;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RATE_LIMIT_WAIT_MS : Math.max(0, date - Date.now());
}

/**
 * Maps any failure of a Tray call to reauth's error kinds. Messages carry Tray's error text and
 * codes only: graphql-request's own message embeds the request and response, which is no place
 * for a token to end up in a log or a dead-letter entry.
 */
export function classifyTrayError(err: unknown, operation: string, tokenKind: TokenKind): Error {
  if (!(err instanceof ClientError)) {
    const e = err as Error;
    const what = e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timed out' : `failed: ${e?.message ?? String(err)}`;
    return new TransientError(`Tray ${operation} ${what}`, 'tray-unreachable');
  }
  const { status, headers } = err.response;
  const errors = (err.response.errors ?? []) as TrayGraphQLError[];
  const first = errors[0];
  const detail = first ? `${first.message ?? ''} (${first.extensions?.name ?? '?'}/${first.extensions?.code ?? '?'})` : `HTTP ${status}`;

  if (status === 429 || errors.some((e) => e.message === RATE_LIMIT_MESSAGE)) {
    return new RateLimitedError(retryAfterMs(headers), 'Tray');
  }
  if (status === 401 || status === 403) {
    if (tokenKind === 'user') return new UserTokenRejectedError(status);
    return new PermanentError(`Tray refused the master token on ${operation} (HTTP ${status}); check TRAY_MASTER_TOKEN and TRAY_REGION`, 'tray-master-token');
  }
  if (status >= 500 || first?.extensions?.name === 'InternalError') {
    return new TransientError(`Tray ${operation} failed: ${detail}`, 'tray-unavailable');
  }
  if (first?.extensions?.code === 'user_does_not_exist') {
    return new PermanentError(`Tray ${operation}: the user does not exist`, 'user_does_not_exist');
  }
  return new PermanentError(`Tray ${operation} rejected: ${detail}`, 'tray-rejected');
}
