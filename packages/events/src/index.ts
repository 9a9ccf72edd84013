/**
 * @reauth/events tells the customer's own systems what happened to each expiring credential:
 * the notification core writes every lifecycle event into an outbox stream in the same script as
 * the change (packages/notification/src/scripts.ts); this package drains it into one delivery job
 * per event, signs each with Standard Webhooks, retries on a Svix-like schedule up to
 * EVENTS_RETRY_HORIZON, and dead-letters what is still undelivered (replayable like any job).
 */
export * from './payload.js';
export * from './delivery.js';
export * from './jobs.js';
