/**
 * @reauth/dashboard is the admins' side (role `dashboard`, ADMIN_PORT): Bull Board over every
 * queue including `dead-letter`, each job named by its authId and Tray user with secrets masked;
 * the notification history pages; the admin JSON API (notifications with filters, dead-letter
 * entries, replay). HTTP Basic auth with rate-limited failures, same-origin checks on every
 * state-changing request, an optional read-only mode, and open /healthz and /readyz.
 */
export { createDashboard, type DashboardOptions } from './app.js';
export type { Credentials, LoginLimit } from './auth.js';
