import { idHash, type Intake, type Notifications } from '@reauth/notification';
import type { QueueSet } from '@reauth/queues';
import { trayExpiredAuthSchema, type TrayExpiredAuth, type TrayJob } from './payload.js';
import { webhookTokenCheck } from './webhook-token.js';


/**
 * A notification's id is fixed by its auth and the moment its dedupe window opened, so every stage
 * job, the email's Message-ID and the sent marker of one notification share it.
 */
export function notificationIdFor(authId: string, receivedAt: number): string {
  return notificationIdOf(idHash(authId), receivedAt);
}

const notificationIdOf = (authHash: string, receivedAt: number) => `tray-${authHash}-${receivedAt}`;

export type IntakeResult = { status: 'accepted' | 'duplicate'; id: string };

/**
 * Enqueues the first stage. BullMQ's deduplication (id + ttl) is checked and set in the same
 * Redis script that adds the job, so a notification is either stored and deduplicated or neither:
 * a failure here can be answered with 503 and safely retried by Tray.
 */
export async function enqueueExpiredAuth(queues: QueueSet, auth: TrayExpiredAuth, windowMs: number, now = Date.now()): Promise<IntakeResult> {
  const authHash = idHash(auth.authId);
  const id = notificationIdOf(authHash, now);
  const data: TrayJob = { notificationId: id, receivedAt: now, auth };
  const job = await queues.get('token-lookup').add('tray.token-lookup', data, {
    jobId: id,
    deduplication: { id: `tray-auth-${authHash}`, ttl: windowMs },
  });
  return job.id === id ? { status: 'accepted', id } : { status: 'duplicate', id: String(job.id) };
}

/**
 * The expired-auth webhook as an intake of the ingress. A duplicate is noted on the open
 * notification's timeline in the background: the answer to Tray does not wait for it.
 */
export function trayIntake(queues: QueueSet, store: Notifications, settings: { webhookToken: string | undefined; dedupeWindowMs: number }): Intake<TrayExpiredAuth> {
  return {
    name: 'tray.expired-auth',
    path: '/webhooks/tray/expired-auth',
    summary: 'Tray reports an expired end-user authentication',
    authenticate: settings.webhookToken !== undefined ? webhookTokenCheck(settings.webhookToken) : () => false,
    schema: trayExpiredAuthSchema,
    async accept(auth, receivedAt) {
      const result = await enqueueExpiredAuth(queues, auth, settings.dedupeWindowMs, receivedAt);
      if (result.status === 'duplicate') void store.step(result.id, { kind: 'duplicate', detail: 'the same auth was reported again' }).catch(() => undefined);
      return result;
    },
  };
}
