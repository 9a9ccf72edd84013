/**
 * P7's retention check: the sweep itself (client, paging, completion check, force jobs queued),
 * in a process run with --expose-gc, so the live heap can be read after a full collection at 10,000
 * users scanned and at the end of each sweep. RSS says how big V8 let the heap get; this says what
 * the sweep keeps. Env: REDIS_URL, API_URL, API_TOKEN, ROUNDS, CHECKPOINT.
 */
import { createJourneyAppsClient, queueForce, runSweep } from '../../packages/journeyapps/src/index.js';
import { openQueues } from '../../packages/queues/src/index.js';
import { createRateBudget } from '../../packages/rate-budget/src/index.js';
import { createNotifications, createRedis } from '../lib/workspace.js';

const env = process.env as Record<string, string>;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('sweep-heap needs --expose-gc');
const redis = createRedis({ url: env.REDIS_URL! }, 'command', 'sweep-heap');
const queues = openQueues({ target: { url: env.REDIS_URL! }, prefix: 'p7heap', queues: ['journeyapps-force'], tuning: { attempts: 3, backoffMs: 100 } });
const store = createNotifications(redis, { prefix: 'p7heap', retentionDays: 30 });
const client = createJourneyAppsClient({
  deployment: { name: 'default', apiUrl: env.API_URL!, token: env.API_TOKEN! },
  authScheme: 'named-token',
  timeoutMs: 10_000,
  budget: createRateBudget(redis, 'p7heap:budget', 1_000_000),
});
const live = () => {
  gc!();
  return process.memoryUsage().heapUsed;
};

const rounds: Array<{ heapAtCheckpoint: number; heapAtEnd: number }> = [];
for (let r = 0; r < Number(env.ROUNDS); r += 1) {
  let heapAtCheckpoint = 0;
  await runSweep(
    { client, store, policy: { maxAgeMs: 30 * 86_400_000 }, pageSize: 100, force: (signIns) => queueForce(queues.get('journeyapps-force'), signIns, 'age') },
    {
      trigger: 'manual',
      dryRun: false,
      onProgress: async (p) => {
        if (!heapAtCheckpoint && p.report.usersScanned >= Number(env.CHECKPOINT)) heapAtCheckpoint = live();
      },
    },
  );
  rounds.push({ heapAtCheckpoint, heapAtEnd: live() });
}
process.send?.({ rounds });
await queues.close();
await redis.quit();
