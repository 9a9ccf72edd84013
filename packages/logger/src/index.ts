/**
 * @reauth/logger owns structured logging: pino JSON, one child per module or job, with every
 * field that can carry a secret redacted before it is written.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger };

// Keys that hold credentials anywhere in a log object; pino's redact needs explicit paths.
const secretKeys = [
  'token', 'accessToken', 'userToken', 'masterToken', 'refreshToken', 'refresh_token', 'access_token',
  'authorization', 'Authorization', 'password', 'pass', 'secret', 'code', 'authorizationCode', 'cookie',
];
export const redactPaths = [
  ...secretKeys,
  ...secretKeys.map((k) => `*.${k}`),
  ...secretKeys.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.token',
];

/**
 * Masks credentials in URLs that reach a log line: query-string secrets (the webhook takes
 * ?token=) and the password in `scheme://user:password@host` (SMTP_URL, REDIS_URL).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&](?:token|code|key)=)[^&#\s]*/gi, '$1[REDACTED]')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@/\s]+@/gi, '$1[REDACTED]@');
}

const secretKeySet = new Set(secretKeys.map((k) => k.toLowerCase()));
const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/**
 * The same rules for data shown outside the logs (the admin dashboard's job data and return
 * values): secret-named fields are masked at any depth, and credentials inside strings too.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrl(value).replace(bearer, '$1 [REDACTED]');
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, secretKeySet.has(k.toLowerCase()) ? '[REDACTED]' : redactSecrets(v, depth + 1)]),
  );
}

/**
 * LOG_LEVEL picks the level. An unknown one falls back to info instead of throwing here: the
 * logger exists before the environment is validated, and that check names the bad value.
 */
export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  const wanted = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const config: LoggerOptions = {
    level: wanted === 'silent' || wanted in pino.levels.values ? wanted : 'info',
    base: { service: options.name ?? 'reauth', pid: process.pid },
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(config, destination) : pino(config);
}
