import { getDeadLetter, replayDeadLetter, type QueueSet } from '@reauth/queues';
import type { Notifications } from './store.js';

/**
 * Replays a dead-letter entry (dashboard and CLI alike). The notification the job served is
 * reopened before the job is queued again: a send that found it still failed would end at once.
 */
export async function replayEntry(queues: QueueSet, store: Notifications, entryId: string): Promise<{ replayJobId: string; notificationId?: string }> {
  const entry = await getDeadLetter(queues, entryId);
  if (!entry) throw new Error(`no dead-letter entry ${entryId}`);
  const id = (entry.data as { notificationId?: unknown } | null)?.notificationId;
  if (typeof id === 'string') await store.move(id, { to: 'received', event: { kind: 'replayed', queue: entry.sourceQueue, detail: `replay of ${entry.id}` } });
  const replayJobId = await replayDeadLetter(queues, entryId);
  return { replayJobId, ...(typeof id === 'string' ? { notificationId: id } : {}) };
}
