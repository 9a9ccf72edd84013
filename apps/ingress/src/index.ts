/**
 * @reauth/ingress is the thin HTTP edge: it authenticates and validates each provider's intake
 * and answers only once the work is stored in Redis; it serves the landing page behind every
 * re-auth link (a GET that mints nothing, a button that runs the provider's link action, and the
 * dialog's events); and it reports health and readiness.
 */
export { createIngress, createIngressServer, type Ingress, type IngressOptions } from './app.js';
export { ENQUEUE_TIMEOUT_MS, MAX_BODY_BYTES } from './webhook.js';
export { startSpool, type Spool, type SpoolOptions } from './spool.js';
export { openJournal, SpoolFullError, type Journal, type JournalEntry } from './journal.js';
export { errorAnswerSchema, type ErrorAnswer } from './answers.js';
export { describeIngress, htmlAnswer, jsonAnswer, openApiPath, standardWebhookHeaders } from './openapi.js';
