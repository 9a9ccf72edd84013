import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRedis, startRedisServer, type RedisClient, type RedisServer } from '@reauth/redis';
import { createHistory, type NotificationHistory, type NotificationSubject } from './index.js';

const DAY = 86_400_000;

function subject(n: number, overrides: Partial<NotificationSubject> = {}): NotificationSubject {
  return { authId: `auth-${n}`, userId: `user-${n}`, externalUserId: `ext-${n}@example.com`, serviceName: 'salesforce', authenticationName: `Auth ${n}`, ...overrides };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The same behaviour on a single node and on a (one-node) Cluster, which refuses cross-slot commands. */
function behaviour(name: string, connect: () => { redis: RedisClient }) {
  describe(name, () => {
    const fresh = (extra: { now?: () => number; maxEvents?: number } = {}): NotificationHistory =>
      createHistory(connect().redis, { prefix: `t${randomUUID().slice(0, 8)}`, retentionDays: 30, ...extra });

    it('keeps a timeline in order and moves the status along the pipeline', async () => {
      const history = fresh();
      const s = subject(1, { receivedAt: Date.now() });
      const steps = [
        { kind: 'received' },
        { kind: 'token-obtained', queue: 'token-lookup', jobId: 'n1' },
        { kind: 'instances-mapped', detail: '2 affected', queue: 'instance-mapping', jobId: 'n1' },
        { kind: 'contact-found', queue: 'notify', jobId: 'n1' },
        { kind: 'email-sent', queue: 'notify', jobId: 'n1' },
        { kind: 'link-opened' },
        { kind: 'dialog-reached' },
      ] as const;
      for (const [i, step] of steps.entries()) await history.record('n1', s, { ...step, at: 1_000 + i });

      const detail = await history.get('n1');
      expect(detail?.events.map((e) => e.kind)).toEqual(steps.map((s) => s.kind));
      expect(detail).toMatchObject({ id: 'n1', authId: 'auth-1', userId: 'user-1', externalUserId: 'ext-1@example.com', serviceName: 'salesforce', status: 'dialog-reached', lastQueue: 'notify', lastJobId: 'n1' });
      expect(detail?.events[2]).toEqual({ at: 1_002, kind: 'instances-mapped', detail: '2 affected', queue: 'instance-mapping', jobId: 'n1' });
      expect(await history.get('missing')).toBeUndefined();
    });

    it('never moves a notification backwards, but a replay reopens a dead-lettered one', async () => {
      const history = fresh();
      const s = subject(2);
      await history.record('n2', s, { kind: 'received', at: 1 });
      await history.record('n2', s, { kind: 'email-sent', at: 3 });
      // Noticed late: a retry of an earlier attempt, and a second click whose code could not be minted.
      await history.record('n2', s, { kind: 'attempt-failed', at: 2 });
      await history.record('n2', s, { kind: 'attempt-failed', at: 4 });
      expect((await history.get('n2'))?.status).toBe('sent');
      await history.record('n2', s, { kind: 'dialog-reached', at: 5 });
      await history.record('n2', s, { kind: 'link-opened', at: 6 });
      await history.record('n2', s, { kind: 'link-failed', at: 7 });
      expect((await history.get('n2'))?.status).toBe('dialog-reached');

      await history.record('n3', s, { kind: 'attempt-failed', at: 10 });
      expect((await history.get('n3'))?.status).toBe('retrying');
      await history.record('n3', s, { kind: 'dead-lettered', at: 11 });
      expect((await history.list({ status: 'dead-lettered' })).items.map((r) => r.id)).toEqual(['n3']);
      await history.record('n3', s, { kind: 'replayed', at: 12 });
      expect((await history.get('n3'))?.status).toBe('pending');
      expect((await history.list({ status: 'dead-lettered' })).items).toEqual([]);
      expect((await history.list({ status: 'pending' })).items.map((r) => r.id)).toEqual(['n3']);
    });

    it('filters by authId, userId, externalUserId and status, newest first, and pages without repeats', async () => {
      const history = fresh();
      const t = Date.now();
      // Six notifications: auths a/b, users u1/u2, two external users; three end up sent.
      const rows = [
        { id: 'x1', s: subject(0, { authId: 'a', userId: 'u1', externalUserId: 'e1' }), sent: true },
        { id: 'x2', s: subject(0, { authId: 'a', userId: 'u1', externalUserId: 'e1' }), sent: false },
        { id: 'x3', s: subject(0, { authId: 'b', userId: 'u1', externalUserId: 'e1' }), sent: true },
        { id: 'x4', s: subject(0, { authId: 'b', userId: 'u2', externalUserId: 'e2' }), sent: false },
        { id: 'x5', s: subject(0, { authId: 'c', userId: 'u2', externalUserId: 'e2' }), sent: true },
        { id: 'x6', s: subject(0, { authId: 'c', userId: 'u2' }), sent: false },
      ];
      for (const [i, row] of rows.entries()) {
        const s = { ...row.s, receivedAt: t + i };
        await history.record(row.id, s, { kind: 'received' });
        if (row.sent) await history.record(row.id, s, { kind: 'email-sent' });
      }
      const ids = async (filter: Parameters<NotificationHistory['list']>[0]) => (await history.list(filter)).items.map((r) => r.id);

      expect(await ids({})).toEqual(['x6', 'x5', 'x4', 'x3', 'x2', 'x1']);
      expect(await ids({ authId: 'a' })).toEqual(['x2', 'x1']);
      expect(await ids({ userId: 'u2' })).toEqual(['x6', 'x5', 'x4']);
      expect(await ids({ externalUserId: 'e1' })).toEqual(['x3', 'x2', 'x1']);
      expect(await ids({ status: 'sent' })).toEqual(['x5', 'x3', 'x1']);
      expect(await ids({ status: 'pending' })).toEqual(['x6', 'x4', 'x2']);
      expect(await ids({ userId: 'u1', status: 'sent' })).toEqual(['x3', 'x1']);
      expect(await ids({ authId: 'a', userId: 'u2' })).toEqual([]);
      expect(await ids({ authId: 'nobody' })).toEqual([]);

      const seen: string[] = [];
      let cursor: number | undefined = 0;
      while (cursor !== undefined) {
        const page = await history.list({ limit: 4, cursor, status: 'sent' });
        seen.push(...page.items.map((r) => r.id));
        cursor = page.next;
      }
      expect(seen).toEqual(['x5', 'x3', 'x1']);
      const first = await history.list({ limit: 4 });
      const second = await history.list({ limit: 4, cursor: first.next ?? -1 });
      expect([...first.items, ...second.items].map((r) => r.id)).toEqual(['x6', 'x5', 'x4', 'x3', 'x2', 'x1']);
    });

    it('forgets notifications HISTORY_DAYS after they arrived and caps each timeline', async () => {
      let clock = Date.now();
      const prefix = `t${randomUUID().slice(0, 8)}`;
      const { redis } = connect();
      const history = createHistory(redis, { prefix, retentionDays: 30, maxEvents: 5, now: () => clock });
      const old = subject(7, { receivedAt: clock });
      await history.record('old', old, { kind: 'received' });
      for (let i = 0; i < 8; i += 1) await history.record('old', old, { kind: 'attempt-failed', detail: `try ${i}` });
      const capped = await history.get('old');
      expect(capped?.events.map((e) => e.detail)).toEqual(['try 3', 'try 4', 'try 5', 'try 6', 'try 7']);

      // Every key expires with the notification, 30 days after receipt.
      const keys = [`${prefix}:{history}:rec:old`, `${prefix}:{history}:ev:old`, `${prefix}:{history}:auth:auth-7`, `${prefix}:{history}:user:user-7`, `${prefix}:{history}:ext:ext-7@example.com`];
      for (const key of keys) {
        const ttl = await redis.pttl(key);
        expect(ttl).toBeGreaterThan(29 * DAY);
        expect(ttl).toBeLessThanOrEqual(30 * DAY);
      }

      clock += 31 * DAY;
      // An event for a notification older than the retention does not bring it back.
      await history.record('old', old, { kind: 'link-opened' });
      expect(await redis.exists(`${prefix}:{history}:rec:old`)).toBe(1); // still there until Redis expires it…
      expect(await redis.llen(`${prefix}:{history}:ev:old`)).toBe(5); // …but untouched
      await history.record('new', subject(8, { receivedAt: clock }), { kind: 'received' });
      // The shared indexes are trimmed on that write: the old id is gone from them.
      expect(await redis.zrange(`${prefix}:{history}:all`, '0', '-1')).toEqual(['new']);
      expect(await redis.zrange(`${prefix}:{history}:status:retrying`, '0', '-1')).toEqual([]);
      expect((await history.list({})).items.map((r) => r.id)).toEqual(['new']);
    });
  });
}

let single: RedisServer;
let clusterServer: RedisServer;
let clusterDir: string;
const clients: RedisClient[] = [];

beforeAll(async () => {
  clusterDir = mkdtempSync(join(tmpdir(), 'reauth-history-cluster-'));
  [single, clusterServer] = await Promise.all([
    startRedisServer(),
    startRedisServer({ dir: clusterDir, extra: { 'cluster-enabled': 'yes', 'cluster-announce-ip': '127.0.0.1', 'cluster-config-file': join(clusterDir, 'nodes.conf') } }),
  ]);
  const admin = createRedis({ url: clusterServer.url }, 'command');
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  await until(async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 'the cluster to come up');
  await admin.quit();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await Promise.all([single?.stop(), clusterServer?.stop()]);
  rmSync(clusterDir, { recursive: true, force: true });
});

function client(make: () => RedisClient): () => { redis: RedisClient } {
  let made: RedisClient | undefined;
  return () => {
    if (!made) clients.push((made = make()));
    return { redis: made };
  };
}

behaviour('single node', client(() => createRedis({ url: single.url }, 'command')));

const cluster = client(() => createRedis({ clusterNodes: [`127.0.0.1:${clusterServer.port}`] }, 'command'));
behaviour('Redis Cluster', cluster);

it('the cluster used above really refuses cross-slot scripts', async () => {
  await expect(cluster().redis.eval('return 1', 2, 'a', 'b')).rejects.toThrow(/CROSSSLOT/);
});
