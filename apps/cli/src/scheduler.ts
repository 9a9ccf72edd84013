import type { QueueSet, Schedule } from '@reauth/queues';

/** How often the one scheduler looks for due reminders: a reminder goes out within about this of its time. */
export const TICK_EVERY_MS = 1_000;

/** The core's own schedule: the reminder tick. */
export const reminderTick: Schedule = {
  queue: 'reminders',
  id: 'notification.tick',
  repeat: { every: TICK_EVERY_MS },
  job: { name: 'notification.tick', data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
};

/** With ESCALATION_EMAIL: the day's summary of people who did not come back, at 08:00 UTC. */
export const escalationSummary: Schedule = {
  queue: 'notify',
  id: 'notification.escalation-summary',
  repeat: { pattern: '0 8 * * *', tz: 'UTC' },
  job: { name: 'notification.escalation-summary', data: {}, opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: { count: 30 }, removeOnFail: { age: 30 * 86_400 } } },
};

/**
 * Upserts the schedules of the queues this process runs, and removes any other scheduler on them.
 * Every process with the role does the same, which is idempotent; BullMQ's job schedulers make
 * each beat one job cluster-wide.
 */
export async function startSchedules(queues: QueueSet, schedules: readonly Schedule[], running: readonly string[]): Promise<void> {
  for (const name of new Set(schedules.map((s) => s.queue).filter((q) => running.includes(q)))) {
    const queue = queues.get(name);
    const wanted = schedules.filter((s) => s.queue === name);
    const ids = new Set(wanted.map((s) => s.id));
    for (const existing of await queue.getJobSchedulers()) {
      if (existing.key && !ids.has(existing.key)) await queue.removeJobScheduler(existing.key);
    }
    for (const s of wanted) await queue.upsertJobScheduler(s.id, s.repeat, s.job);
  }
}
