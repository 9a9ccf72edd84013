import { z } from 'zod';

/**
 * A notification is one expiring credential of one end user at one provider. Open states move
 * forward only (a late event cannot move one backwards); an ended one stays ended, except that a
 * replay from the dead-letter queue reopens one that failed there.
 */
export const openStates = ['received', 'notified', 'reminded', 'opened'] as const;
export const endStates = ['completed', 'lapsed', 'failed', 'superseded', 'skipped'] as const;
export const notificationStates = [...openStates, ...endStates] as const;
export type OpenState = (typeof openStates)[number];
export type EndState = (typeof endStates)[number];
export type NotificationState = (typeof notificationStates)[number];

export const isOpen = (state: NotificationState): state is OpenState => (openStates as readonly string[]).includes(state);

/** What the dashboard's funnel counts per provider: each state a notification reached. */
export const funnelStates = ['notified', 'opened', 'completed', 'lapsed', 'failed', 'superseded', 'skipped'] as const;

/** Timeline entries: state changes carry their state's name; these are the steps in between. */
export const stepKinds = [
  'duplicate', // the provider reported the same credential again within its dedupe window
  'step', // a provider stage finished (token obtained, instances mapped, …): detail says which
  'contact-found',
  'email-sent',
  'reminder-sent',
  'reminder-deferred', // quiet hours
  'attempt-failed',
  'dead-lettered',
  'replayed',
  'link-viewed', // the landing page was shown (scanners do this too: it opens nothing)
  'link-failed', // the action behind the button could not run
  'popup-closed',
  'popup-error',
  'forced', // the provider asked the user to sign in again (JourneyApps re-authenticate)
  'escalated', // the last notice went unanswered for ESCALATE_AFTER
] as const;
export type StepKind = (typeof stepKinds)[number];

export const eventSchema = z.object({
  at: z.number(),
  kind: z.enum([...stepKinds, ...notificationStates]),
  detail: z.string().max(500).optional(),
  /** The job this step ran in, for a link into Bull Board. */
  queue: z.string().max(100).optional(),
  jobId: z.string().max(300).optional(),
});
export type NotificationEvent = z.infer<typeof eventSchema>;
export type EventInput = Omit<NotificationEvent, 'at'> & { at?: number };

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

/** Provider ids that identify the credential and its user, e.g. Tray `{authId, userId, externalUserId}`. */
export const idsSchema = z.record(z.string(), z.string());
export type ProviderIds = z.infer<typeof idsSchema>;

export const recordSchema = z.object({
  id: z.string(),
  provider: z.string(),
  state: z.enum(notificationStates),
  reason: z.string().optional(),
  createdAt: z.coerce.number(),
  updatedAt: z.coerce.number(),
  /** The links of this notification stop working here; reminders never go out after it. */
  expiresAt: z.coerce.number(),
  /** When the first email went out; reminder offsets count from here. */
  notifiedAt: z.coerce.number().optional(),
  /** Emails sent so far (first notice and reminders). */
  sends: z.coerce.number().default(0),
  /** Whose contact to look up (the provider's external user id). */
  contactKey: z.string(),
  ids: json(idsSchema),
  /** What the provider's email and link action need that is not secret (instances, bank name, …). */
  context: json(z.record(z.string(), z.unknown())).default({}),
  /** A contact the provider was given directly, bypassing the lookup. */
  contact: json(z.object({ email: z.string(), name: z.string().optional(), timezone: z.string().optional() })).optional(),
  /** Vault-sealed secret the link action needs (TrueLayer's refresh token); deleted when the notification ends. */
  sealed: z.string().optional(),
  lastQueue: z.string().optional(),
  lastJobId: z.string().optional(),
});
export type NotificationRecord = z.infer<typeof recordSchema>;
/**
 * What the admin API and events show: never the sealed secret. Schemas, not only types, so the
 * API description is generated from what the store returns (its output side).
 */
export const viewSchema = recordSchema.omit({ sealed: true }).extend({ events: z.array(eventSchema).optional() });
export type NotificationView = z.infer<typeof viewSchema>;

export const detailSchema = viewSchema.extend({ events: z.array(eventSchema) });
export type NotificationDetail = z.infer<typeof detailSchema>;

export const filterSchema = z.object({
  provider: z.string().min(1).max(50).optional(),
  state: z.enum(notificationStates).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque position from a previous page's `next`. */
  cursor: z.coerce.number().int().min(0).default(0),
}).catchall(z.string().min(1).max(500));
/** `provider`, `state`, `limit`, `cursor`; any other key filters by that provider id. */
export type NotificationFilter = Record<string, string | number | undefined>;

export const pageSchema = z.object({
  items: z.array(viewSchema),
  /** Pass as `cursor` for the next page; absent on the last one. */
  next: z.number().optional(),
});
export type NotificationPage = z.infer<typeof pageSchema>;

/** Per provider, how many notifications were received and how many reached each funnel state. */
export const funnelSchema = z.record(z.string(), z.record(z.enum(['received', ...funnelStates]), z.number()));
export type Funnel = z.infer<typeof funnelSchema>;
