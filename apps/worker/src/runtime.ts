import { DelayedError, Worker, type Job } from 'bullmq';
import { lazyChild, type Logger } from '@reauth/logger';
import {
  DeferredError,
  RateLimitedError,
  buildRegistry,
  deadLetter,
  isFinalFailure,
  queueConfig,
  queuePrefix,
  reconcileDeadLetters,
  runJob,
  type ModuleHandlers,
  type QueueSet,
  type QueueTuning,
} from '@reauth/queues';
import type { RedisClient } from '@reauth/redis';

export interface WorkerRuntimeOptions {
  queues: readonly string[];
  modules: readonly ModuleHandlers[];
  /** Producers for stage hand-offs and the dead-letter queue. */
  queueSet: QueueSet;
  /** Blocking connection for BullMQ workers (maxRetriesPerRequest: null). */
  connection: RedisClient;
  prefix: string;
  tuning: QueueTuning;
  log: Logger;
  onJobDone?: (queue: string, job: Job, outcome: 'completed' | 'failed' | 'retrying', durationMs: number) => void;
}

export interface WorkerRuntime {
  workers: Worker[];
  /** Every worker is running and their blocking connection is ready. */
  running(): boolean;
  /** Finish or hand back active jobs within `timeoutMs`, then close. */
  close(timeoutMs: number): Promise<void>;
}

export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const registry = buildRegistry(options.modules);
  const queueDefs = Object.assign({}, ...options.modules.map((m) => m.queues)) as ModuleHandlers['queues'];
  const { log, queueSet } = options;

  const copied = await reconcileDeadLetters(queueSet, options.queues);
  if (copied > 0) log.warn({ copied }, 'copied failed jobs that had missed the dead-letter queue');
  // Copies run from 'failed' events; close() waits for them so a stopping process does not cut one off.
  const copying = new Set<Promise<void>>();

  const workers = options.queues.map((name) => {
    const def = queueDefs[name];
    if (!def) throw new Error(`no module declares queue ${name}`);
    const config = queueConfig(name, def, options.tuning);
    const worker: Worker = new Worker(
      name,
      async (job: Job, token?: string) => {
        const registered = registry.get(job.name);
        const jobLog = lazyChild(log, { queue: name, jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
        if (!registered) throw new Error(`no processor for job ${job.name}`);
        try {
          return await runJob(registered, { job, log: jobLog });
        } catch (err) {
          if (err instanceof RateLimitedError) {
            // Park the whole queue (every process) and put this job back without spending an attempt.
            jobLog.warn({ waitMs: err.retryAfterMs }, 'upstream rate limit; pausing queue');
            await queueSet.get(name).rateLimit(err.retryAfterMs);
            throw Worker.RateLimitError();
          }
          if (err instanceof DeferredError && token) {
            jobLog.info({ delayMs: err.delayMs, why: err.message }, 'job deferred');
            await job.moveToDelayed(Date.now() + err.delayMs, token);
            throw new DelayedError();
          }
          throw err;
        }
      },
      { connection: options.connection, prefix: queuePrefix(options.prefix, name), ...config.workerOptions },
    );

    worker.on('completed', (job) => {
      options.onJobDone?.(name, job, 'completed', (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now()));
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      const final = isFinalFailure(job);
      options.onJobDone?.(name, job, final ? 'failed' : 'retrying', Date.now() - (job.processedOn ?? Date.now()));
      const entry = { queue: name, jobId: job.id, job: job.name, attempt: job.attemptsMade, reason: err.message };
      if (!final) {
        log.warn(entry, 'job failed; will retry');
        return;
      }
      log.error(entry, 'job failed for good; dead-lettering');
      const copy = deadLetter(queueSet, name, job, err).catch((dlqErr: Error) =>
        // The startup reconcile will copy it later; say so rather than lose the signal.
        log.error({ ...entry, err: dlqErr.message }, 'could not dead-letter now; the next start reconciles it'),
      );
      copying.add(copy);
      void copy.finally(() => copying.delete(copy));
    });
    worker.on('error', (err) => log.error({ queue: name, err: err.message }, 'worker error'));
    return worker;
  });

  await Promise.all(workers.map((w) => w.waitUntilReady()));
  log.info({ queues: options.queues }, 'workers started');

  return {
    workers,
    running: () => options.connection.status === 'ready' && workers.every((w) => w.isRunning()),
    async close(timeoutMs) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref()),
      ]);
      if (timedOut) {
        // BullMQ ignores close(true) once close() has begun (it returns the pending graceful close),
        // so stop waiting instead: the process goes on to exit, the jobs' locks expire and
        // stalled-job recovery hands them to another worker.
        log.warn({ timeoutMs }, 'shutdown timeout reached; handing back active jobs');
      }
      await Promise.all(copying);
    },
  };
}
