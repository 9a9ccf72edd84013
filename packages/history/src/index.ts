/**
 * @reauth/history owns the notification timeline: for each expiring auth, what happened and when
 * (received, token obtained, instances mapped, contact found, email sent / skipped / dead-lettered,
 * link opened, dialog reached), kept in Redis for HISTORY_DAYS with indexes by auth, Tray user,
 * external user and status for the admin API.
 */
export * from './model.js';
export { createHistory, type HistoryOptions, type NotificationHistory } from './store.js';
export { notificationOfJob } from './job-subject.js';
