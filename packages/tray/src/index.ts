/**
 * @reauth/tray owns everything Tray Embedded: the webhook payload, the GraphQL client with its
 * org-wide rate budget and error mapping, the encrypted user-token cache, the three pipeline
 * processors (token lookup, instance mapping, notify), the email and the re-auth links.
 */
export * from './payload.js';
export * from './documents.js';
export * from './errors.js';
export * from './client.js';
export * from './token-cache.js';
export * from './intake.js';
export * from './links.js';
export * from './sent-markers.js';
export * from './email.js';
export * from './services.js';
export * from './jobs.js';
export { affectedInstances } from './processors/instance-mapping.js';
export * from './from-config.js';
