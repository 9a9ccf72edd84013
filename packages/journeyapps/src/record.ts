import type { EmailContent } from '@reauth/email';
import type { NotificationRecord, Notifications, ProviderRuntime } from '@reauth/notification';
import { notificationIdFor, subjectKeyOf, type SignIn } from './sessions.js';

export const PROVIDER = 'journeyapps';

/** Why a session is asked to sign in again: its age (the sweep) or the customer's say-so (on demand). */
export type ForceReason = 'age' | 'on-demand';

/** What the record keeps about the sign-in it tracks; no secret. */
export interface SignInContext extends SignIn {
  reason: ForceReason;
  /** When the session passes the age limit (or passed it). */
  forceAt: number;
  /** Whether this notification gets the heads-up email. */
  notify: boolean;
}

export const signInOf = (record: NotificationRecord) => record.context as unknown as SignInContext;

export interface OpenOptions {
  reason: ForceReason;
  maxAgeMs: number;
  /** JOURNEYAPPS_NOTIFY; the on-demand path never emails (it serves a leaver process). */
  notify: boolean;
  now: number;
}

/**
 * Opens (idempotently) the notification about one sign-in. It completes when a sweep sees the
 * session enrolled with a newer sign-in, and lapses `maxAge` after it was forced without one.
 * With a heads-up it is due at once, so the core's scheduler sends it; without, it is due only to lapse.
 */
export async function openSignIn(store: Notifications, signIn: SignIn, options: OpenOptions): Promise<{ id: string; created: boolean }> {
  const forceAt = options.reason === 'age' ? Date.parse(signIn.lastAuthenticatedAt) + options.maxAgeMs : options.now;
  const expiresAt = Math.max(options.now, forceAt) + options.maxAgeMs;
  const notify = options.notify && options.reason === 'age';
  const context: SignInContext = { ...signIn, reason: options.reason, forceAt, notify };
  const id = notificationIdFor(signIn);
  const { created } = await store.open({
    id,
    provider: PROVIDER,
    subjectKey: subjectKeyOf(signIn),
    ids: { deployment: signIn.deployment, user_id: signIn.userId, session_id: signIn.sessionId },
    contactKey: signIn.userId,
    context: { ...context },
    expiresAt,
    due: notify ? options.now : expiresAt,
    detail: options.reason === 'age' ? `signed in ${signIn.lastAuthenticatedAt}` : 'forced on demand',
  });
  return { id, created };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The heads-up: it asks nothing of the reader, so it carries no button. */
export function headsUpEmail(record: NotificationRecord, now: number): EmailContent {
  const { forceAt } = signInOf(record);
  const when = forceAt > now ? `on ${day(forceAt)}` : 'the next time you open the app';
  return {
    kind: 'heads-up',
    subject: 'You will be asked to sign in to the app again',
    intro: [
      `For security, everyone signs in to the app again at least every so often. Your last sign-in on this device was on ${day(Date.parse(signInOf(record).lastAuthenticatedAt))}, so the app will ask you to sign in ${when}.`,
      'Your data on the device is kept; you only need your usual sign-in details.',
    ],
    outro: ['If you no longer use the app, you do not need to do anything.'],
  };
}

/** The parts of the core's runtime JourneyApps fills: one optional notice, and no link to act on. */
export function journeyAppsRuntime(): ProviderRuntime {
  return {
    id: PROVIDER,
    notices: {
      count: (record) => (signInOf(record).notify ? 1 : 0),
      at: (record) => record.createdAt,
    },
    email: (record, notice) => headsUpEmail(record, notice.now),
    // The heads-up carries no link, so these pages are reached only by a hand-made one: they say
    // what to do and change nothing (a stray POST must not end the notification).
    landing: () => ({ service: 'the app', account: 'your app account', items: ['Open the app and sign in when it asks you to.'], buttons: [] }),
    act: async () => ({ kind: 'retry', message: 'There is nothing to do here: open the app and sign in when it asks you to.' }),
  };
}
