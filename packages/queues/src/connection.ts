import { Queue } from 'bullmq';
import { createRedis, type RedisClient, type RedisTarget } from '@reauth/redis';
import { DEAD_LETTER_QUEUE } from './names.js';
import { jobOptions, type QueueTuning } from './queue-config.js';

/**
 * Each queue gets its own hash tag, so all keys of one queue share a Redis Cluster slot (BullMQ's
 * multi-key scripts need that) while different queues spread over the cluster.
 */
export function queuePrefix(base: string, queue: string): string {
  return `${base}:{${queue}}`;
}

export interface QueueSet {
  get(name: string): Queue;
  all(): Queue[];
  /** The work queues (every queue but the dead-letter queue). */
  workQueues: readonly string[];
  connection: RedisClient;
  close(): Promise<void>;
}

export interface QueueSetOptions {
  target: RedisTarget;
  prefix: string;
  tuning: QueueTuning;
  /** The work queues of the registered modules. */
  queues: readonly string[];
  /** Reuse a connection (the caller quits it); by default a fail-fast producer connection is opened. */
  connection?: RedisClient;
}

/** Producer handles for every queue, each with the work queues' default job options. */
export function openQueues({ target, prefix, tuning, queues: workQueues, connection }: QueueSetOptions): QueueSet {
  const conn = connection ?? createRedis(target, 'producer', 'reauth-producer');
  const queues = new Map<string, Queue>(
    [...workQueues, DEAD_LETTER_QUEUE].map((name) => [
      name,
      new Queue(name, {
        connection: conn,
        prefix: queuePrefix(prefix, name),
        defaultJobOptions: name === DEAD_LETTER_QUEUE ? { removeOnComplete: false } : jobOptions(tuning),
      }),
    ]),
  );
  return {
    connection: conn,
    workQueues,
    get(name) {
      const queue = queues.get(name);
      if (!queue) throw new Error(`unknown queue ${name}`);
      return queue;
    },
    all: () => [...queues.values()],
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      // BullMQ does not quit a connection it was handed.
      if (!connection) await conn.quit().catch(() => conn.disconnect());
    },
  };
}
