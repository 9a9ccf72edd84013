/**
 * @reauth/truelayer is the TrueLayer open-banking provider: the signed consent intake (one open
 * notification per credentials_id, renewals, token rotation, revocation), the sealed refresh
 * token, notices at signed offsets from consent_expires_at, what its email says, and its link
 * action (`POST /v1/reauthuri`, or the customer's fallback connect page). Everything else a
 * notification needs is the core's (@reauth/notification).
 */
export * from './consent.js';
export * from './client.js';
export * from './record.js';
export * from './notices.js';
export * from './email.js';
export * from './intake.js';
export * from './link-action.js';
export * from './settings.js';
export * from './provider.js';
