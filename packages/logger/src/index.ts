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

/** Masks query-string credentials in URLs that reach a log line (the webhook takes ?token=). */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|code|key)=)[^&#]*/gi, '$1[REDACTED]');
}

export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.name ?? 'reauth', pid: process.pid },
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(config, destination) : pino(config);
}
