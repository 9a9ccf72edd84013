import type { QueueSet } from '@reauth/queues';
import { workQueueNames } from '@reauth/worker';

const unfinished = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Jobs not yet completed or failed, over every work queue; undefined while Redis cannot answer.
 * A job scheduler (the reminders tick) always holds its next run: those are not work left.
 */
export async function pendingJobs(queues: QueueSet): Promise<number | undefined> {
  try {
    const counts = await Promise.all(
      workQueueNames.map(async (name) => (await queues.get(name).getJobCountByTypes(...unfinished)) - (await queues.get(name).getJobSchedulersCount())),
    );
    return counts.reduce((a, b) => a + b, 0);
  } catch {
    return undefined;
  }
}

/**
 * Waits until no work queue holds an unfinished job, seen on several polls in a row: a stage adds
 * its successor before it completes, but two queues read one after the other can still both look
 * empty for a moment.
 */
export async function waitForQuiescence(queues: QueueSet, options: { timeoutMs: number; pollMs?: number; polls?: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let quiet = 0;
  let last: number | undefined;
  while (quiet < (options.polls ?? 3)) {
    if (Date.now() > deadline) throw new Error(`not quiescent after ${options.timeoutMs} ms (${last ?? 'unknown'} unfinished jobs)`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 300));
    last = await pendingJobs(queues);
    quiet = last === 0 ? quiet + 1 : 0;
  }
}

