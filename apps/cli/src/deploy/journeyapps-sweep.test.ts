import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { SweepReport } from '@reauth/journeyapps';
import { createNotifications, type Notifications } from '@reauth/notification';
import { openQueues, type QueueSet } from '@reauth/queues';
import { createRedis, freePort, type RedisClient } from '@reauth/redis';
import { eventually, mixedUsers, sessionsToForce, startFakeJourneyApps, startLocalWorld, waitForReady, type FakeJourneyApps, type LocalWorld } from '@reauth/testkit';
import { workQueueNames } from '@reauth/worker';
import { drained } from '../pipeline/stack.js';
import { sourceCommand, startNode, type Child } from './child-process.js';

// Two worker processes (separate OS processes sharing only Redis) run the sweep and force roles,
// with a seconds-level cron, while two manual sweeps overlap with it and each other. The fake
// rate-limits below reauth's budget, so the sweep meets 429s on the way.
const USERS = 200;
const TOKEN = 'ja-scale-token-0123456789';
const prefix = `ja-${randomBytes(4).toString('hex')}`;
let world: LocalWorld;
let ja: FakeJourneyApps;
let workers: Child[] = [];
let queues: QueueSet;
let client: RedisClient;
let store: Notifications;

beforeAll(async () => {
  world = await startLocalWorld();
  ja = await startFakeJourneyApps({ token: TOKEN, rateLimit: { rps: 25, burst: 5 } });
  ja.addUsers(mixedUsers(USERS));
  const env = {
    ...world.env,
    LOG_LEVEL: 'info',
    REDIS_PREFIX: prefix,
    JOB_BACKOFF_MS: '200',
    JOURNEYAPPS_API_URL: ja.url,
    JOURNEYAPPS_API_TOKEN: TOKEN,
    JOURNEYAPPS_PAGE_SIZE: '20',
    JOURNEYAPPS_RATE_LIMIT_RPS: '60',
    JOURNEYAPPS_SWEEP_CRON: '*/2 * * * * *',
  };
  const ports = await Promise.all([freePort(), freePort()]);
  workers = ports.map((port) => startNode(sourceCommand('journeyapps-sweep,journeyapps-force'), { ...env, METRICS_PORT: String(port) }));
  await Promise.all(ports.map((port) => waitForReady(`http://127.0.0.1:${port}/readyz`, 30_000)));
  queues = openQueues({ target: { url: world.redis.url }, prefix, queues: workQueueNames, tuning: { attempts: 3, backoffMs: 200 } });
  client = createRedis({ url: world.redis.url }, 'command', 'ja-sweep-test');
  store = createNotifications(client, { prefix, retentionDays: 30 });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await queues?.close();
  await client?.quit();
  await ja?.close();
  await world?.stop();
});

it('runs from its cron, and overlapping sweeps in two processes force no session twice, through 429s', async () => {
  const manual = await Promise.all(['a', 'b'].map((id) => queues.get('journeyapps-sweep').add('journeyapps.sweep', { deployment: 'default', trigger: 'manual' }, { jobId: `manual-${id}` })));
  const reports = await eventually(
    'both manual sweeps and a scheduled one to finish',
    async () => {
      const all = (await store.reports('journeyapps', 50)) as unknown as SweepReport[];
      const done = all.filter((r) => r.outcome === 'completed');
      return done.filter((r) => r.trigger === 'manual').length >= manual.length && done.some((r) => r.trigger === 'schedule') ? all : undefined;
    },
    60_000,
  );
  expect(reports.filter((r) => r.outcome !== 'completed')).toEqual([]);
  for (const r of reports) expect(r).toMatchObject({ usersScanned: USERS, pages: USERS / 20 });
  const [a, b] = reports.filter((r) => r.trigger === 'manual');
  expect(a!.startedAt < b!.finishedAt! && b!.startedAt < a!.finishedAt!).toBe(true);

  const expected = sessionsToForce(USERS).sort();
  await eventually('every old session forced', async () => (ja.reauthenticated.length >= expected.length ? true : undefined), 60_000);
  // Let every queued force job finish before counting: a duplicate would be a second call.
  await drained(queues, 'journeyapps-force');
  const forced = ja.reauthenticated.map((r) => `${r.userId}/${r.sessionId}`);
  expect(forced.sort()).toEqual(expected);
  expect(await queues.get('journeyapps-force').getJobCounts('failed')).toEqual({ failed: 0 });
  expect(ja.rateLimited).toBeGreaterThan(0);
});
