import { createHash } from 'node:crypto';
import { startStack } from './lib/stack.js';
import { round } from './lib/wait.js';
import { createNotifications } from './lib/workspace.js';

/**
 * P6, the reminder schedule at scale. `reminders` open notifications scheduled in the one sorted
 * set the core drains (`<prefix>:{notif}:due`, member = notification id, score = next due time),
 * written in the layout the store writes it; bytes per pending reminder = that key's memory / N.
 * Beside it, the whole cost of one open notification (record, timeline entry, indexes, schedule
 * entry, open pointer) from `sample` real `store.open` calls, for the capacity table.
 */
export interface P6Options {
  reminders: number;
  sample: number;
}

export interface P6Result {
  options: P6Options;
  /** MEMORY USAGE of the schedule / reminders. */
  bytesPerReminder: number;
  /** used_memory growth / reminders, allocator overhead included. */
  usedMemoryPerReminder: number;
  /** used_memory growth per notification opened through the store. */
  bytesPerOpenNotification: number;
  scheduleSeconds: number;
}

const BATCH = 10_000;
const DAY_MS = 86_400_000;
const idOf = (i: number, at: number) => `tray-${createHash('sha256').update(`auth-${i}`).digest('hex').slice(0, 24)}-${at}`;

export async function runP6(options: P6Options, log: (line: string) => void): Promise<P6Result> {
  const stack = await startStack({ trayRateLimit: false });
  try {
    const redis = stack.redisClient;
    const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const store = createNotifications(redis, { prefix: 'p6', retentionDays: 30 });
    const due = `${store.base}:due`;
    const now = Date.now();

    const before = await used();
    const t0 = Date.now();
    for (let start = 0; start < options.reminders; start += BATCH) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(start + BATCH, options.reminders); i += 1) {
        // Due times spread over the next week, as reminders of a steady stream of notices are.
        pipeline.zadd(due, String(now + ((i * 7_919) % (7 * DAY_MS))), idOf(i, now - (i % 1_000)));
      }
      await pipeline.exec();
    }
    const scheduleSeconds = (Date.now() - t0) / 1000;
    const usage = Number(await redis.call('MEMORY', 'USAGE', due, 'SAMPLES', '0'));
    const afterSchedule = await used();
    log(`  p6: ${options.reminders} reminders scheduled in ${round(scheduleSeconds, 1)} s; ${round(usage / options.reminders, 1)} bytes each (key), ${round((afterSchedule - before) / options.reminders, 1)} (used_memory)`);

    const beforeOpen = await used();
    for (let i = 0; i < options.sample; i += 1) {
      await store.open({
        id: idOf(options.reminders + i, now),
        provider: 'tray',
        subjectKey: `auth-${i}`,
        ids: { authId: `auth-${i}-${'x'.repeat(24)}`, userId: `user-${i % 1_000}-${'y'.repeat(24)}`, externalUserId: `ext-${i % 1_000}@customer.example` },
        contactKey: `ext-${i % 1_000}@customer.example`,
        context: { serviceName: 'salesforce', authenticationName: `Salesforce ${i}`, instances: [{ id: `si-${i}`, name: 'Salesforce nightly sync', externalId: 'external_salesforce_auth' }] },
        expiresAt: now + 14 * DAY_MS,
        due: now + 3 * DAY_MS,
      });
    }
    const perNotification = ((await used()) - beforeOpen) / options.sample;
    log(`  p6: one open notification through the store: ${round(perNotification, 0)} bytes (record, timeline, indexes, schedule, open pointer; ${options.sample} sampled)`);
    return {
      options,
      bytesPerReminder: round(usage / options.reminders, 1),
      usedMemoryPerReminder: round((afterSchedule - before) / options.reminders, 1),
      bytesPerOpenNotification: round(perNotification, 0),
      scheduleSeconds: round(scheduleSeconds, 1),
    };
  } finally {
    await stack.close();
  }
}
