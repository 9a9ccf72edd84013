import { Queue } from 'bullmq';
import { createRedis, type RedisClient, type RedisTarget } from '@reauth/redis';
import { allQueueNames, isWorkQueue, type QueueName } from './names.js';
import { queueConfig, type QueueTuning } from './queue-config.js';

/**
 * Each queue gets its own hash tag, so all keys of one queue share a Redis Cluster slot (BullMQ's
 * multi-key scripts need that) while different queues spread over the cluster.
 */
export function queuePrefix(base: string, queue: QueueName): string {
  return `${base}:{${queue}}`;
}

export interface QueueSet {
  get(name: QueueName): Queue;
  all(): Queue[];
  connection: RedisClient;
  close(): Promise<void>;
}

export interface QueueSetOptions {
  target: RedisTarget;
  prefix: string;
  tuning: QueueTuning;
  /** Reuse a connection (the caller quits it); by default a fail-fast producer connection is opened. */
  connection?: RedisClient;
}

/** Producer handles for every queue, each with its queue's default job options. */
export function openQueues({ target, prefix, tuning, connection }: QueueSetOptions): QueueSet {
  const conn = connection ?? createRedis(target, 'producer', 'reauth-producer');
  const queues = new Map<QueueName, Queue>(
    allQueueNames.map((name) => [
      name,
      new Queue(name, {
        connection: conn,
        prefix: queuePrefix(prefix, name),
        defaultJobOptions: isWorkQueue(name) ? queueConfig(name, tuning).jobOptions : { removeOnComplete: false },
      }),
    ]),
  );
  return {
    connection: conn,
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
