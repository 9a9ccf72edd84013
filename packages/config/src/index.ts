/**
 * @reauth/config owns the one environment schema every reauth process reads. Each role narrows it
 * to what it needs (Nango style); a bad environment prints every problem at once and exits 1.
 */
export { envSchema, type Env } from './schema.js';
export { roles, type Role, parseRoles } from './roles.js';
export { parseConfig, loadConfig, ConfigError, type Config } from './load.js';
export { trayEndpoints, type TrayRegion } from './tray-regions.js';
export { redisTarget, queueTuning, trayUrls } from './derived.js';
