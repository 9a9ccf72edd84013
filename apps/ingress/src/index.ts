/**
 * @reauth/ingress is the thin HTTP edge: it authenticates and validates Tray's expired-auth
 * webhook and answers only once the job is stored in Redis; it serves the re-auth link that mints
 * a fresh Tray code on click; and it reports health and readiness.
 */
export { createIngress, createIngressServer, type Ingress, type IngressOptions } from './app.js';
export { MAX_BODY_BYTES } from './webhook.js';
