/**
 * @reauth/logger owns structured logging: pino JSON, one child per module or job (built lazily
 * for jobs), with every field that can carry a secret redacted before it is written.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { redactFields } from './redact.js';

export type { Logger };
export { lazyChild } from './lazy.js';
export { isSecretName, redactSecrets, redactUrl } from './redact.js';

/**
 * LOG_LEVEL picks the level. An unknown one falls back to info instead of throwing here: the
 * logger exists before the environment is validated, and that check names the bad value.
 */
export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  const wanted = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const config: LoggerOptions = {
    level: wanted === 'silent' || wanted in pino.levels.values ? wanted : 'info',
    base: { service: options.name ?? 'reauth', pid: process.pid },
    // Secret-named fields at any depth of each line's own fields; pino's redact paths cannot say
    // "any depth" without a wildcard walk of every line. (pino resets a bindings formatter for
    // children, so lazyChild masks the bindings it is given instead.)
    formatters: { log: redactFields },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(config, destination) : pino(config);
}
