import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@reauth/logger';
import type { ProcessorContext } from '@reauth/queues';
import { createNotifications, notificationModule, type NotificationDeps, type ProviderRuntime } from './index.js';
import { useRedis } from './test-redis.js';

const client = useRedis();

describe('the reminder tick', () => {
  it('hands each due notice to notify under its deterministic job id, and lapses what expired', async () => {
    let clock = Date.now();
    const store = createNotifications(client(), { prefix: `t${randomUUID().slice(0, 8)}`, retentionDays: 30, now: () => clock });
    const base = { provider: 'p', ids: {}, contactKey: 'c' };
    await store.open({ ...base, id: 'due', expiresAt: clock + 60_000, due: clock - 1 });
    await store.move('due', { to: 'notified', sentIndex: 0 });
    await store.open({ ...base, id: 'expired', expiresAt: clock - 1, due: clock - 1 });
    await store.open({ ...base, id: 'later', expiresAt: clock + 60_000, due: clock + 30_000 });
    const enqueued: Array<[string, unknown, unknown]> = [];
    const deps = {
      store,
      providers: new Map<string, ProviderRuntime>(),
      enqueue: async (name: string, data: unknown, opts: unknown) => {
        enqueued.push([name, data, opts]);
        return {};
      },
      now: () => clock,
    } as unknown as NotificationDeps;
    const tick = notificationModule.handlers(deps)['notification.tick'];
    const ctx = { job: {}, log: createLogger({ level: 'silent' }) } as ProcessorContext;

    expect(await tick({}, ctx)).toEqual({ queued: 1, lapsed: 1, escalated: 0 });
    expect(enqueued).toEqual([['notification.send', { notificationId: 'due', send: 1 }, { jobId: 'due.s1' }]]);
    expect(await store.get('expired')).toMatchObject({ state: 'lapsed', reason: 'the link expired before the user came back' });
    // Leased, not dropped: a second tick right away finds nothing due, and nothing is lost if the send never ran.
    expect(await tick({}, ctx)).toEqual({ queued: 0, lapsed: 0, escalated: 0 });
    clock += 61_000;
    expect(await tick({}, ctx)).toEqual({ queued: 0, lapsed: 2, escalated: 0 });
  });
});
