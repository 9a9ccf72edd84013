import type { EventInput, MoveInput } from '@reauth/notification';
import type { ProcessorContext } from '@reauth/queues';
import type { TrayJob } from '../payload.js';
import type { TrayServices } from '../services.js';
import { trayRecord } from '../record.js';

/**
 * Records a timeline step of the job's notification. A step is for people looking back; a Redis
 * hiccup writing it must not fail (and so repeat) the stage that did the actual work.
 */
export async function recordStep(services: TrayServices, data: TrayJob, { job, log }: ProcessorContext, step: Omit<EventInput, 'queue' | 'jobId'>): Promise<void> {
  try {
    await services.store.step(data.notificationId, { ...step, queue: job.queueName, jobId: String(job.id) });
  } catch (err) {
    log.warn({ notificationId: data.notificationId, step: step.kind, err: (err as Error).message }, 'could not record a timeline step');
  }
}

/**
 * Every stage opens the notification (a no-op once it exists): jobs queued before the upgrade
 * reach a later stage without the record the first stage now opens.
 */
export async function openNotification(services: TrayServices, data: TrayJob, { job, log }: ProcessorContext): Promise<void> {
  const opened = await services.store.open({ ...trayRecord(data, services.settings.linkTtlDays), queue: job.queueName, jobId: String(job.id) });
  if (opened.superseded) log.info({ notificationId: data.notificationId, superseded: opened.superseded }, 'a newer notice supersedes an open notification');
}

/**
 * Moves the job's notification. Token lookup opened it, so only a job queued before the upgrade
 * finds no record: that one is opened here first. Opening in every later stage would cost each
 * notification another script carrying the whole record.
 */
export async function moveOpened(services: TrayServices, data: TrayJob, ctx: ProcessorContext, input: MoveInput): Promise<void> {
  if (await services.store.move(data.notificationId, input)) return;
  await openNotification(services, data, ctx);
  await services.store.move(data.notificationId, input);
}
