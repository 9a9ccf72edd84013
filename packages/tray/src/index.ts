/**
 * @reauth/tray is the Tray Embedded provider: the expired-auth webhook's schema and intake, the
 * GraphQL client with its org-wide rate budget and error mapping, the sealed user-token cache,
 * its two stages (token lookup, instance mapping) plus the upgrade path for the old notify job,
 * what its email says, and its link action (mint `generateAuthorizationCode`, open the dialog).
 * Everything else a notification needs is the core's (@reauth/notification).
 */
export * from './payload.js';
export * from './documents.js';
export * from './errors.js';
export * from './client.js';
export * from './token-cache.js';
export * from './intake.js';
export * from './jobs.js';
export * from './record.js';
export * from './email.js';
export * from './link-action.js';
export * from './settings.js';
export * from './provider.js';
export { affectedInstances } from './processors/instance-mapping.js';
