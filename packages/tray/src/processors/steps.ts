import type { NotificationEventInput } from '@reauth/history';
import type { ProcessorContext } from '@reauth/queues';
import type { TrayJob } from '../payload.js';
import type { TrayServices } from '../services.js';

/**
 * Records a timeline step of the job's notification. History is for people looking back; a Redis
 * hiccup writing it must not fail (and so repeat) the stage that did the actual work.
 */
export async function recordStep(services: TrayServices, data: TrayJob, { job, log }: ProcessorContext, step: Omit<NotificationEventInput, 'queue' | 'jobId'>): Promise<void> {
  try {
    await services.hooks?.onStep?.(data, { ...step, queue: job.queueName, jobId: String(job.id) });
  } catch (err) {
    log.warn({ notificationId: data.notificationId, step: step.kind, err: (err as Error).message }, 'could not record a history step');
  }
}
