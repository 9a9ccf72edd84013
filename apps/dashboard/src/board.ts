import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import { redactSecrets } from '@reauth/logger';
import { DEAD_LETTER_QUEUE, type QueueSet } from '@reauth/queues';

export const BOARD_PATH = '/queues';

/** Where Bull Board shows one job. */
export function jobUrl(queue: string, jobId: string): string {
  return `${BOARD_PATH}/queue/${encodeURIComponent(queue)}/${encodeURIComponent(jobId)}`;
}

const descriptions: Record<string, string> = {
  'token-lookup': 'Tray: get a user token for the notification’s user',
  'instance-mapping': 'Tray: find the Solution Instances that use the expiring auth',
  notify: 'Send each notice (first email and reminders): contact lookup, email, sent marker',
  reminders: 'The one scheduler that hands due reminders to notify, every second',
  [DEAD_LETTER_QUEUE]: 'Jobs that failed for good; replay them from the notification page',
};

/** Names Bull Board lists carry the notification (and the notice number), which the history pages show. */
function jobLabel(job: { name?: string; data?: unknown }): string {
  const name = job.name ?? '';
  const data = (job.data ?? {}) as { notificationId?: unknown; send?: unknown; data?: { notificationId?: unknown } };
  const id = data.notificationId ?? data.data?.notificationId;
  if (typeof id !== 'string') return name;
  return `${name} · ${id}${typeof data.send === 'number' ? ` · notice ${data.send + 1}` : ''}`;
}

export function bullBoard(queues: QueueSet, readOnly: boolean): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  const adapters = queues.all().map((queue) => {
    const adapter = new BullMQAdapter(queue, { readOnlyMode: readOnly, description: descriptions[queue.name] ?? '' });
    adapter.setFormatter('name', jobLabel);
    adapter.setFormatter('data', (data) => redactSecrets(data));
    adapter.setFormatter('returnValue', (value) => redactSecrets(value));
    return adapter;
  });
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: { uiConfig: { boardTitle: 'reauth', miscLinks: [{ text: 'Notification history', url: '/notifications' }] } },
  });
  return serverAdapter.getRouter() as Router;
}
