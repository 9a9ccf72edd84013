/**
 * @reauth/notification is the provider-neutral core. It owns the notification record (one
 * expiring credential of one end user at one provider), its lifecycle
 * (received → notified → reminded → opened → completed, or lapsed / failed / superseded / skipped),
 * its timeline and Redis layout; the idempotent send of each notice; the reminder schedule and
 * the one scheduler that drains it; and the contract a provider implements. Providers never
 * write its keys: they call `Notifications`.
 */
export * from './model.js';
export { REPORTS_KEPT, createNotifications, type Notifications, type OpenInput, type MoveInput, type StoreOptions } from './store.js';
export { createDelivery, messageIdOf, senderId, type Delivery, type DeliveryOptions } from './delivery.js';
export { notificationJobs, notificationModule, nextDue, sendJobId, type NotificationDeps, type NotificationJobs } from './jobs.js';
export type { CoreDeps, Intake, IntakeRequest, Landing, LinkOutcome, Notice, Provider, ProviderRuntime, StartedProvider, UpstreamHooks } from './provider.js';
export { IntakeRefused } from './provider.js';
export { bearerOf, idHash, secretCheck } from './intake-auth.js';
export { nextSendingTime } from './quiet-hours.js';
export { replayEntry } from './replay.js';
