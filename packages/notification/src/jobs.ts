import { z } from 'zod';
import type { ContactLookup } from '@reauth/contacts';
import type { EmailRenderer } from '@reauth/email';
import type { LinkSigner } from '@reauth/links';
import { DeferredError, PermanentError, defineJobs, type Enqueue, type Handlers, type JobModule } from '@reauth/queues';
import type { Delivery } from './delivery.js';
import { messageIdOf } from './delivery.js';
import { isOpen, type NotificationRecord } from './model.js';
import type { ProviderRuntime } from './provider.js';
import type { SendingHours } from '@reauth/config';
import { nextSendingTime } from './quiet-hours.js';
import type { Notifications } from './store.js';

export const notificationJobs = defineJobs({
  /** One email of one notification: the first notice (send 0) or a later one. */
  'notification.send': { queue: 'notify', schema: z.object({ notificationId: z.string().min(1), send: z.number().int().min(0) }) },
  /** Run every second by one job scheduler cluster-wide: hands due notices to `notification.send`. */
  'notification.tick': { queue: 'reminders', schema: z.object({}).passthrough() },
  /** Once a day with ESCALATION_EMAIL: one email to the customer listing who did not come back. */
  'notification.escalation-summary': { queue: 'notify', schema: z.object({}).passthrough() },
});
export type NotificationJobs = typeof notificationJobs;

export interface NotificationDeps {
  store: Notifications;
  delivery: Delivery;
  contacts: () => ContactLookup;
  signer: () => LinkSigner;
  providers: ReadonlyMap<string, ProviderRuntime>;
  /** The compiled templates (TEMPLATES_DIR over the shipped ones) and the brand. */
  templates: () => EmailRenderer;
  enqueue: Enqueue<NotificationJobs>;
  publicUrl: string;
  sendingHours?: SendingHours;
  defaultTimeZone: string;
  onEmail?: (provider: string, outcome: 'sent' | 'failed') => void;
  /** ESCALATE_AFTER, when anyone listens (events on, or ESCALATION_EMAIL): the last notice unanswered this long escalates. */
  escalateAfterMs?: number;
  /** ESCALATION_EMAIL. */
  escalationEmail?: string;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/** Leases at most this many due entries per round; a tick drains rounds until none are due. */
const TICK_BATCH = 500;
/** A leased entry comes due again after this unless its send job moved it on. */
const LEASE_MS = 60_000;

/** The job id of notice `send` of a notification: a second enqueue of the same notice is a no-op. */
export const sendJobId = (id: string, send: number) => `${id}.s${send}`;

/**
 * When the scheduler should look at the notification again after notice `send` went out at `sentAt`:
 * the next notice, or after the last one its escalation (when on), then its lapse.
 */
export function nextDue(notices: ProviderRuntime['notices'], record: NotificationRecord, send: number, escalate?: { afterMs: number; sentAt: number }): number {
  const next = send + 1;
  if (next >= notices.count(record)) return escalate ? Math.min(escalate.sentAt + escalate.afterMs, record.expiresAt) : record.expiresAt;
  return Math.min(notices.at(record, next), record.expiresAt);
}

export const notificationModule: JobModule<NotificationJobs, NotificationDeps> = {
  name: 'notification',
  // notify waits on SMTP round trips; the tick is one job a second.
  queues: { notify: { concurrency: 50 }, reminders: { concurrency: 1 } },
  jobs: notificationJobs,
  handlers: (deps): Handlers<NotificationJobs> => {
    const now = deps.now ?? Date.now;
    const providerOf = (record: NotificationRecord) => {
      const provider = deps.providers.get(record.provider);
      if (!provider) throw new PermanentError(`provider ${record.provider} is not enabled in this process`, 'provider-disabled');
      return provider;
    };

    return {
      async 'notification.send'({ notificationId: id, send }, { job, log }) {
        const record = await deps.store.get(id);
        if (!record) return { outcome: 'gone' };
        if (!isOpen(record.state)) return { outcome: 'ended', state: record.state };
        if (record.sends > send) return { outcome: 'already-sent' };
        const provider = providerOf(record);
        const at = now();
        const step = { queue: job.queueName, jobId: String(job.id) };

        const contact = record.contact ?? (await deps.contacts()(record.contactKey));
        if (!contact) throw new PermanentError('no contact found for the external user id', 'no-contact');

        if (send > 0 && deps.sendingHours) {
          const allowed = nextSendingTime(at, deps.sendingHours, contact.timezone ?? deps.defaultTimeZone);
          if (allowed > at) {
            await deps.store.move(id, { due: allowed + LEASE_MS, event: { kind: 'reminder-deferred', detail: `quiet hours: until ${new Date(allowed).toISOString()}`, ...step } });
            throw new DeferredError(allowed - at, 'outside REMINDER_HOURS');
          }
        }

        const link = deps.signer().sign({ provider: record.provider, notificationId: id }, record.expiresAt);
        const total = provider.notices.count(record);
        const content = provider.email(record, { send, total, link: `${deps.publicUrl.replace(/\/+$/, '')}/reauth/${link.token}`, linkExpiresAt: link.expiresAt, now: at });
        const rendered = deps.templates().render(record.provider, content, { linkExpiresAt: link.expiresAt, send, total, ...(contact.name ? { recipientName: contact.name } : {}) });
        let sentNow: boolean;
        try {
          sentNow = await deps.delivery.deliver(id, send, {
            to: { address: contact.email, ...(contact.name ? { name: contact.name } : {}) },
            messageId: messageIdOf(id, send),
            ...(send > 0 && record.notifiedAt !== undefined ? { inReplyTo: messageIdOf(id, 0) } : {}),
            ...rendered,
          });
        } catch (err) {
          if (!(err instanceof DeferredError)) deps.onEmail?.(record.provider, 'failed');
          throw err;
        }
        if (sentNow) deps.onEmail?.(record.provider, 'sent');
        // Reminder offsets count from when the first email went out, not from when this job began:
        // the contact lookup and the SMTP round trip in between would make the first reminder early.
        const notifiedAt = record.notifiedAt ?? now();
        await deps.store.move(id, {
          to: record.notifiedAt === undefined ? 'notified' : 'reminded',
          sentIndex: send,
          due: nextDue(provider.notices, { ...record, notifiedAt }, send, deps.escalateAfterMs === undefined ? undefined : { afterMs: deps.escalateAfterMs, sentAt: now() }),
          event: { kind: record.notifiedAt === undefined ? 'email-sent' : 'reminder-sent', detail: `notice ${send + 1} of ${total}`, ...step },
        });
        log.info({ notificationId: id, send }, sentNow ? 'notice sent' : 'notice had been sent already');
        return { outcome: sentNow ? 'sent' : 'already-sent', send };
      },

      async 'notification.tick'() {
        let queued = 0;
        let lapsed = 0;
        let escalated = 0;
        for (;;) {
          const at = now();
          const ids = await deps.store.leaseDue(at, LEASE_MS, TICK_BATCH);
          for (const id of ids) {
            const record = await deps.store.get(id);
            if (!record || !isOpen(record.state)) continue;
            if (at >= record.expiresAt) {
              await deps.store.move(id, { to: 'lapsed', reason: 'the link expired before the user came back' });
              lapsed += 1;
              continue;
            }
            const notices = deps.providers.get(record.provider)?.notices;
            if (notices && record.sends >= notices.count(record)) {
              // Due before its lapse with every notice sent: only an escalation puts it here.
              await deps.store.noteEscalated(id, at);
              await deps.store.move(id, { event: { kind: 'escalated', detail: `no answer ${Math.round((deps.escalateAfterMs ?? 0) / 3_600_000)} h after the last notice` }, due: record.expiresAt });
              escalated += 1;
              continue;
            }
            await deps.enqueue('notification.send', { notificationId: id, send: record.sends }, { jobId: sendJobId(id, record.sends) });
            queued += 1;
          }
          if (ids.length < TICK_BATCH) return { queued, lapsed, escalated };
        }
      },

      async 'notification.escalation-summary'() {
        if (!deps.escalationEmail) return { outcome: 'off' };
        const at = now();
        const day = new Date(at).toISOString().slice(0, 10);
        const records = await deps.store.escalatedSince(at - DAY_MS);
        if (records.length === 0) return { outcome: 'none', day };
        const content = {
          kind: 'escalation-summary',
          subject: `reauth: ${records.length} ${records.length === 1 ? 'person has' : 'people have'} not reconnected (${day})`,
          intro: [`These notifications went unanswered for ${Math.round((deps.escalateAfterMs ?? 0) / 3_600_000)} hours after their last notice, in the day to ${new Date(at).toISOString()}.`],
          list: { heading: 'Provider, who, and the provider\'s ids:', items: records.map((r) => `${r.provider}: ${r.contactKey} (${Object.entries(r.ids).map(([k, v]) => `${k} ${v}`).join(', ')}), ${r.state}`) },
          outro: ['Each one is in the dashboard under its provider and ids.'],
        };
        // The customer's own email, not a provider's: the generic templates (or `reauth.escalation-summary.*.hbs`).
        const rendered = deps.templates().render('reauth', content, { linkExpiresAt: at });
        // One summary a day, whatever the retries: the claim is keyed by the day.
        const sent = await deps.delivery.deliver(`escalations-${day}`, 0, { to: { address: deps.escalationEmail }, messageId: `<escalations-${day}@reauth>`, ...rendered });
        return { outcome: sent ? 'sent' : 'already-sent', day, people: records.length };
      },
    };
  },
};
