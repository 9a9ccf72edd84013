import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import { notificationOfJob } from '@reauth/history';
import { redactSecrets } from '@reauth/logger';
import { DEAD_LETTER_QUEUE, type QueueSet } from '@reauth/queues';

export const BOARD_PATH = '/queues';

/** Where Bull Board shows one job. */
export function jobUrl(queue: string, jobId: string): string {
  return `${BOARD_PATH}/queue/${encodeURIComponent(queue)}/${encodeURIComponent(jobId)}`;
}

const descriptions: Record<string, string> = {
  'token-lookup': 'Stage 1: get a Tray user token for the notification’s user',
  'instance-mapping': 'Stage 2: find the Solution Instances that use the expiring auth',
  notify: 'Stage 3: find the contact and send the re-auth email',
  [DEAD_LETTER_QUEUE]: 'Jobs that failed for good; replay them from the notification page',
};

/**
 * Job ids are `tray-<hash of authId>-<time>`, which nobody can search for; the names Bull Board
 * lists carry the auth and the Tray user instead, the keys support is asked about.
 */
function jobLabel(job: { name?: string; data?: unknown }): string {
  const name = job.name ?? '';
  const notification = notificationOfJob(job.data);
  return notification ? `${name} · auth ${notification.subject.authId} · user ${notification.subject.userId}` : name;
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
