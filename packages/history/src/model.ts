import { z } from 'zod';

/** What can happen to one expiring auth's notification, in pipeline order. */
export const eventKinds = [
  'received', // the webhook was accepted
  'duplicate', // the same auth was reported again within the dedupe window
  'token-obtained',
  'instances-mapped',
  'contact-found',
  'email-sent',
  'email-skipped', // no instance uses the auth (NOTIFY_UNUSED_AUTHS=false)
  'attempt-failed', // a stage failed and will be retried
  'dead-lettered', // a stage failed for good
  'replayed', // an admin replayed the dead-letter entry
  'link-opened',
  'link-failed', // the link was valid but no Tray code could be minted
  'dialog-reached', // the 302 to Tray's auth dialog was sent
] as const;
export type EventKind = (typeof eventKinds)[number];

export const notificationStatuses = ['pending', 'retrying', 'dead-lettered', 'sent', 'skipped', 'link-opened', 'dialog-reached'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/**
 * The status an event moves a notification to, and how far along that is. A status only gives way
 * to one at least as far along, so a late or repeated event (a second click that fails, a retry
 * noticed after the email went out) cannot move a notification backwards. Equal ranks: the later event wins.
 */
export const statusAfter: Partial<Record<EventKind, { status: NotificationStatus; rank: number }>> = {
  received: { status: 'pending', rank: 0 },
  'token-obtained': { status: 'pending', rank: 0 },
  'instances-mapped': { status: 'pending', rank: 0 },
  'contact-found': { status: 'pending', rank: 0 },
  'attempt-failed': { status: 'retrying', rank: 0 },
  'dead-lettered': { status: 'dead-lettered', rank: 0 },
  replayed: { status: 'pending', rank: 0 },
  'email-sent': { status: 'sent', rank: 1 },
  'email-skipped': { status: 'skipped', rank: 1 },
  'link-opened': { status: 'link-opened', rank: 2 },
  'dialog-reached': { status: 'dialog-reached', rank: 3 },
};

/** Who a notification is about; every writer knows at least the auth and its user. */
export interface NotificationSubject {
  authId: string;
  userId: string;
  externalUserId?: string;
  serviceName?: string;
  authenticationName?: string;
  /** When the webhook arrived; retention counts from here. Defaults to the stored value, or now. */
  receivedAt?: number;
}

const text = (max: number) => z.string().max(max);

export const notificationEventSchema = z.object({
  at: z.number(),
  kind: z.enum(eventKinds),
  detail: text(500).optional(),
  /** The job this step ran in, for a link into Bull Board. */
  queue: text(100).optional(),
  jobId: text(300).optional(),
});
export type NotificationEvent = z.infer<typeof notificationEventSchema>;
export type NotificationEventInput = Omit<NotificationEvent, 'at'> & { at?: number };

export const notificationRecordSchema = z.object({
  id: z.string(),
  authId: z.string(),
  userId: z.string(),
  externalUserId: z.string().optional(),
  serviceName: z.string().optional(),
  authenticationName: z.string().optional(),
  status: z.enum(notificationStatuses),
  receivedAt: z.coerce.number(),
  updatedAt: z.coerce.number(),
  lastQueue: z.string().optional(),
  lastJobId: z.string().optional(),
});
export type NotificationRecord = z.infer<typeof notificationRecordSchema>;

export interface NotificationDetail extends NotificationRecord {
  events: NotificationEvent[];
}

/** Query of the admin API; at most one index is read, the other criteria filter what it yields. */
export const historyFilterSchema = z.object({
  authId: z.string().min(1).max(200).optional(),
  userId: z.string().min(1).max(200).optional(),
  externalUserId: z.string().min(1).max(500).optional(),
  status: z.enum(notificationStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque position from a previous page's `next`. */
  cursor: z.coerce.number().int().min(0).default(0),
});
export type HistoryFilter = z.input<typeof historyFilterSchema>;

export interface HistoryPage {
  items: NotificationRecord[];
  /** Pass as `cursor` for the next page; absent on the last one. */
  next?: number;
}
