/**
 * @reauth/config owns the one environment schema every reauth process reads. Each role narrows it
 * to what it needs (Nango style); a bad environment prints every problem at once and exits 1.
 */
export { envSchema, linkSettings, mailSettings, type Env } from './schema.js';
export { roles, type Role, parseRoles } from './roles.js';
export { parseConfig, loadConfig, ConfigError, type Config, type ProviderSwitch } from './load.js';
export { redisTarget, queueTuning } from './derived.js';
export { parseDuration, duration, durationList, sendingHoursSchema, type SendingHours } from './durations.js';
export { eventTypes, type EventType } from './event-types.js';
