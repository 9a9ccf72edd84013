import type { QueueSet } from '@reauth/queues';

/** How often the one scheduler looks for due reminders: a reminder goes out within about this of its time. */
export const TICK_EVERY_MS = 1_000;

/**
 * A BullMQ job scheduler, so one tick runs cluster-wide however many reminder workers run; every
 * process with the role upserts the same scheduler, which is idempotent.
 */
export async function startReminderScheduler(queues: QueueSet): Promise<void> {
  await queues.get('reminders').upsertJobScheduler(
    'notification.tick',
    { every: TICK_EVERY_MS },
    { name: 'notification.tick', data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
  );
}
