import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { DEAD_LETTER_QUEUE } from './names.js';
import type { QueueSet } from './connection.js';
import { errorCode } from './errors.js';

export const deadLetterSchema = z.object({
  sourceQueue: z.string(),
  jobName: z.string(),
  jobId: z.string(),
  data: z.unknown(),
  reason: z.string(),
  /** A machine-readable kind (`no-contact`, `smtp-rejected`, …): what the chaos ledger and the dashboard read, never the message. Not `code`: that name is masked as a secret (a Tray authorization code). */
  errorCode: z.string().optional(),
  attempts: z.number().int(),
  stack: z.array(z.string()),
  failedAt: z.number(),
  replayedAt: z.number().optional(),
  replayJobId: z.string().optional(),
});
export type DeadLetterEntry = z.infer<typeof deadLetterSchema>;

/** A failed job is final when it will not be retried: no attempts left, or a permanent error. */
export function isFinalFailure(job: Job): boolean {
  return Boolean(job.finishedOn) && job.failedReason !== undefined;
}

/** The dead-letter entry of a source job (one per job, so copying twice is harmless). */
export function deadLetterId(sourceQueue: string, jobId: string): string {
  return `${sourceQueue}.${jobId}`;
}

/** Copies a finally-failed job into the dead-letter queue; safe to call twice for one job. */
export async function deadLetter(queues: QueueSet, sourceQueue: string, job: Job, error?: unknown): Promise<void> {
  const code = errorCode(error, job.stacktrace ?? undefined);
  const entry: DeadLetterEntry = {
    sourceQueue,
    jobName: job.name,
    jobId: String(job.id),
    data: job.data,
    reason: job.failedReason ?? 'unknown',
    ...(code ? { errorCode: code } : {}),
    attempts: job.attemptsMade,
    stack: job.stacktrace ?? [],
    failedAt: job.finishedOn ?? Date.now(),
  };
  await queues.get(DEAD_LETTER_QUEUE).add(`dlq.${job.name}`, entry, {
    jobId: deadLetterId(sourceQueue, entry.jobId),
    removeOnComplete: false,
    removeOnFail: false,
  });
}

/**
 * A process can die between a job's final failure and its copy into the dead-letter queue.
 * At startup, copy every failed job that has no entry yet (deterministic entry ids make this idempotent).
 */
export async function reconcileDeadLetters(queues: QueueSet, sources: readonly string[]): Promise<number> {
  const dlq = queues.get(DEAD_LETTER_QUEUE);
  let copied = 0;
  for (const source of sources) {
    const queue = queues.get(source);
    for (let start = 0; ; start += 500) {
      const failed = await queue.getFailed(start, start + 499);
      for (const job of failed) {
        if (!(await dlq.getJob(deadLetterId(source, String(job.id))))) {
          await deadLetter(queues, source, job);
          copied += 1;
        }
      }
      if (failed.length < 500) break;
    }
  }
  return copied;
}

/** An entry as the dashboard lists it, under its job id. */
export const deadLetterViewSchema = deadLetterSchema.extend({ id: z.string() });
export type DeadLetterView = z.infer<typeof deadLetterViewSchema>;

function view(job: Job): DeadLetterView {
  return { id: String(job.id), ...deadLetterSchema.parse(job.data) };
}

export async function listDeadLetters(queues: QueueSet, limit = 1_000): Promise<DeadLetterView[]> {
  const jobs = await queues.get(DEAD_LETTER_QUEUE).getJobs(['waiting', 'delayed', 'completed', 'failed'], 0, limit - 1);
  return jobs.filter((j): j is Job => Boolean(j)).map(view).sort((a, b) => b.failedAt - a.failedAt);
}

export async function getDeadLetter(queues: QueueSet, id: string): Promise<DeadLetterView | undefined> {
  const job = await queues.get(DEAD_LETTER_QUEUE).getJob(id);
  return job ? view(job) : undefined;
}

/** Re-enqueues the original job at its source stage under a fresh id and marks the entry replayed. */
export async function replayDeadLetter(queues: QueueSet, id: string): Promise<string> {
  const dlq: Queue = queues.get(DEAD_LETTER_QUEUE);
  const job = await dlq.getJob(id);
  if (!job) throw new Error(`no dead-letter entry ${id}`);
  const entry = deadLetterSchema.parse(job.data);
  if (!queues.workQueues.includes(entry.sourceQueue)) throw new Error(`entry ${id} names unknown queue ${entry.sourceQueue}`);
  const replayJobId = `${entry.jobId}.replay-${Date.now()}`;
  await queues.get(entry.sourceQueue).add(entry.jobName, entry.data, { jobId: replayJobId });
  await job.updateData({ ...entry, replayedAt: Date.now(), replayJobId });
  return replayJobId;
}

export async function purgeDeadLetters(queues: QueueSet): Promise<void> {
  await queues.get(DEAD_LETTER_QUEUE).obliterate({ force: true });
}
