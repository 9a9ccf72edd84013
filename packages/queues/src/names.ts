/** Work queues; each is also the name of the worker role that consumes it. */
export const workQueueNames = ['token-lookup', 'instance-mapping', 'notify'] as const;
export type WorkQueueName = (typeof workQueueNames)[number];

export const DEAD_LETTER_QUEUE = 'dead-letter';
export type QueueName = WorkQueueName | typeof DEAD_LETTER_QUEUE;
export const allQueueNames: readonly QueueName[] = [...workQueueNames, DEAD_LETTER_QUEUE];

/** Every job reauth knows, and the queue it runs on. A job here without a processor stops startup. */
export const jobQueues = {
  'tray.token-lookup': 'token-lookup',
  'tray.instance-mapping': 'instance-mapping',
  'tray.notify': 'notify',
} as const satisfies Record<string, WorkQueueName>;
export type JobName = keyof typeof jobQueues;
export const jobNames = Object.keys(jobQueues) as JobName[];

export function isWorkQueue(name: string): name is WorkQueueName {
  return (workQueueNames as readonly string[]).includes(name);
}
