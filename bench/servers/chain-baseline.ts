/**
 * P2's queue ceiling: raw BullMQ, three queues, each stage's job adding the next and doing nothing
 * else, at reauth's default per-stage concurrency. The bench enqueues the first stage and counts
 * completions of the third. Env: REDIS_URL.
 */
import { Queue, Worker } from '../lib/vendor.js';
import { createRedis } from '../lib/workspace.js';
import { CHAIN_QUEUES } from './chain-names.js';

const concurrency = [20, 20, 50];

const target = { url: process.env.REDIS_URL ?? '' };
const producer = createRedis(target, 'producer', 'bench-chain-producer');
const blocking = createRedis(target, 'worker', 'bench-chain-worker');
const next = CHAIN_QUEUES.map((name) => new Queue(name, { connection: producer }));

const workers = CHAIN_QUEUES.map(
  (name, stage) =>
    new Worker(
      name,
      async (job) => {
        const following = next[stage + 1];
        if (following) await following.add(job.name, job.data);
      },
      { connection: blocking, concurrency: concurrency[stage] ?? 1 },
    ),
);
await Promise.all(workers.map((w) => w.waitUntilReady()));
process.send?.({ ready: true });

process.on('SIGTERM', () => {
  void Promise.all([...workers.map((w) => w.close()), ...next.map((q) => q.close())])
    .then(() => Promise.all([producer.quit(), blocking.quit()]))
    .finally(() => process.exit(0));
});
