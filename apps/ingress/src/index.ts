/**
 * @reauth/ingress is the thin HTTP edge: it authenticates and validates Tray's expired-auth
 * webhook and answers only once the job is stored in Redis; it serves the re-auth link that mints
 * a fresh Tray code on click; and it reports health and readiness.
 */
export { createIngress, createIngressServer, type Ingress, type IngressOptions } from './app.js';
export { ENQUEUE_TIMEOUT_MS, MAX_BODY_BYTES, trayIntake } from './webhook.js';
export { startSpool, type Intake, type IntakeResult, type Spool, type SpoolOptions } from './spool.js';
export { openJournal, SpoolFullError, type Journal, type JournalEntry } from './journal.js';
