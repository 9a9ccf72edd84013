/**
 * Every lifecycle event reauth sends to the customer's systems. The notification core's scripts
 * map timeline steps to these names (packages/notification/src/scripts.ts); here so EVENTS_TYPES
 * can be checked when the environment is parsed.
 */
export const eventTypes = [
  'notification.created',
  'notification.sent',
  'reminder.sent',
  'link.opened',
  'reauth.completed',
  'reauth.failed',
  'notification.lapsed',
  'notification.superseded',
  'notification.skipped',
  'notification.escalated',
  'session.reauthenticated',
  'sweep.completed',
] as const;
export type EventType = (typeof eventTypes)[number];
