import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';

export const DEAD_LETTER_QUEUE = 'dead-letter';

/** A job: the queue it runs on and the schema of its payload. */
export interface JobDef<S extends z.ZodType = z.ZodType> {
  queue: string;
  schema: S;
}
export type JobCatalog = Record<string, JobDef>;

/** A work queue and the concurrency its bottleneck suggests; each is also a worker role. */
export interface QueueDef {
  concurrency: number;
}

/**
 * Keeps the literal job names and schemas, so `enqueue('tray.notify', data)` is checked against
 * that job's schema and queue at compile time.
 */
export const defineJobs = <C extends JobCatalog>(catalog: C): C => catalog;

export type JobPayload<C extends JobCatalog, K extends keyof C> = z.input<C[K]['schema']>;

export type Enqueue<C extends JobCatalog> = <K extends keyof C & string>(name: K, data: JobPayload<C, K>, options?: JobsOptions) => Promise<{ id?: string | undefined }>;

/**
 * A BullMQ job scheduler a module or provider declares: one job per beat cluster-wide however many
 * processes run its queue. A process upserts the schedules of the queues it runs and removes any
 * other scheduler on them (a deployment taken out of the list stops being swept).
 */
export interface Schedule {
  queue: string;
  id: string;
  repeat: { every: number } | { pattern: string; tz: string };
  job: { name: string; data: Record<string, unknown>; opts: JobsOptions };
}
