import type { JobsOptions, WorkerOptions } from 'bullmq';
import type { QueueDef } from './names.js';

export interface QueueTuning {
  attempts: number;
  backoffMs: number;
  /** Shorter lock/stall timings make crash recovery fast in tests. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** WORKER_CONCURRENCY: overrides every queue's own concurrency. */
  concurrency?: number;
}

export interface QueueConfig {
  name: string;
  jobOptions: JobsOptions;
  workerOptions: Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'limiter'>;
}

const DAY_S = 24 * 3600;

/**
 * BullMQ (6.7, moveToActive.lua) honours `queue.rateLimit()` only for workers that have a limiter:
 * without one, other processes keep taking jobs while the queue is meant to be paused. This
 * limiter never binds by itself; it only makes the upstream's pause apply to every process.
 */
const pauseOnlyLimiter = { max: 1_000_000, duration: 1_000 };

/** Default job options of every work queue; a queue's own definition sets its concurrency. */
export function jobOptions(tuning: QueueTuning): JobsOptions {
  return {
    attempts: tuning.attempts,
    backoff: { type: 'exponential', delay: tuning.backoffMs, jitter: 0.5 },
    // Completed jobs stay a week so a re-added stage job with the same id is ignored, not rerun.
    removeOnComplete: { age: 7 * DAY_S, count: 100_000 },
    removeOnFail: { age: 30 * DAY_S },
  };
}

export function queueConfig(name: string, def: QueueDef, tuning: QueueTuning): QueueConfig {
  return {
    name,
    jobOptions: jobOptions(tuning),
    workerOptions: {
      concurrency: tuning.concurrency ?? def.concurrency,
      lockDuration: tuning.lockDurationMs ?? 30_000,
      stalledInterval: tuning.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
      limiter: pauseOnlyLimiter,
    },
  };
}
