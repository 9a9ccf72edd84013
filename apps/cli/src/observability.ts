import type { Config } from '@reauth/config';
import { createHistory, notificationOfJob, type NotificationEventInput, type NotificationHistory, type NotificationSubject } from '@reauth/history';
import type { IngressOptions } from '@reauth/ingress';
import type { Logger } from '@reauth/logger';
import { createMetrics, createReadiness, metricsHandler, type Metrics, type Readiness } from '@reauth/metrics';
import { DEAD_LETTER_QUEUE, PermanentError, RateLimitedError, deadLetterId, isWorkQueue, type QueueSet } from '@reauth/queues';
import type { RedisClient } from '@reauth/redis';
import type { TrayHooks } from '@reauth/tray';
import type { WorkerRuntimeOptions } from '@reauth/worker';

/**
 * One process's metrics, notification history and readiness, and the hooks that feed them from
 * the ingress, the Tray client and processors, and the worker runtime. History writes are best
 * effort: a failure is counted and logged, never turned into a failed webhook or job.
 */
export interface Observability {
  metrics: Metrics;
  history: NotificationHistory;
  readiness: Readiness;
  ingress: Pick<IngressOptions, 'onWebhook' | 'onLinkClick' | 'metrics'>;
  tray: TrayHooks;
  onJobDone: NonNullable<WorkerRuntimeOptions['onJobDone']>;
  /** Waits for history writes still under way (before the Redis connection is closed). */
  flush(): Promise<void>;
}

const webhookOutcomes = new Set(['accepted', 'duplicate', 'spooled', 'unavailable']);

export function observe(config: Config, deps: { commands: RedisClient; queues: QueueSet; log: Logger }): Observability {
  const metrics = createMetrics();
  const queues = deps.queues.all();
  metrics.watchQueues(queues.filter((q) => isWorkQueue(q.name)), deps.queues.get(DEAD_LETTER_QUEUE));
  const history = createHistory(deps.commands, { prefix: config.REDIS_PREFIX, retentionDays: config.HISTORY_DAYS });
  const log = deps.log.child({ component: 'history' });

  const record = async (id: string, subject: NotificationSubject, event: NotificationEventInput) => {
    try {
      await history.record(id, subject, event);
    } catch (err) {
      metrics.historyErrors.inc();
      throw err;
    }
  };
  // For hooks that must not hold up an HTTP answer: written in the background, in order.
  const pending = new Set<Promise<void>>();
  const recordLater = (id: string, subject: NotificationSubject, events: NotificationEventInput[]) => {
    const write = (async () => {
      for (const event of events) await record(id, subject, event);
    })().catch((err: Error) => log.warn({ notificationId: id, err: err.message }, 'could not record a history step'));
    pending.add(write);
    void write.finally(() => pending.delete(write));
  };

  return {
    metrics,
    history,
    readiness: createReadiness(() => deps.queues.connection.ping()),
    ingress: {
      metrics: metricsHandler(metrics.registry),
      onWebhook(outcome, notification) {
        metrics.webhooks.inc(webhookOutcomes.has(outcome) ? { outcome } : { outcome: 'rejected', reason: outcome });
        if (!notification) return;
        const { auth } = notification;
        const subject = { authId: auth.authId, userId: auth.user_id, externalUserId: auth.external_user_id, serviceName: auth.service_name, authenticationName: auth.authentication_name };
        recordLater(notification.id, subject, [outcome === 'accepted' ? { kind: 'received' } : { kind: 'duplicate', detail: 'the same auth was reported again' }]);
      },
      onLinkClick(outcome, claims) {
        metrics.linkClicks.inc({ outcome });
        if (!claims) return;
        const second: NotificationEventInput = outcome === 'redirected' ? { kind: 'dialog-reached' } : { kind: 'link-failed', detail: outcome };
        recordLater(claims.notificationId, { authId: claims.authId, userId: claims.userId }, [{ kind: 'link-opened' }, second]);
      },
    },
    tray: {
      onCall(operation, outcome, error) {
        if (error instanceof RateLimitedError) metrics.rateLimitWaits.inc({ upstream: 'tray', reason: 'throttled' });
        const label = outcome === 'ok' ? 'ok' : error instanceof RateLimitedError ? 'rate-limited' : error instanceof PermanentError ? 'rejected' : 'failed';
        metrics.trayCalls.inc({ operation, outcome: label });
      },
      onBudgetWait: () => metrics.rateLimitWaits.inc({ upstream: 'tray', reason: 'budget' }),
      onEmail: (outcome) => metrics.emails.inc({ outcome }),
      async onStep(job, step) {
        const notification = notificationOfJob(job);
        if (notification) await record(notification.id, notification.subject, step);
      },
    },
    onJobDone(queue, job, outcome, durationMs) {
      metrics.jobs.inc({ queue, outcome });
      metrics.jobDuration.observe({ queue, outcome }, durationMs / 1000);
      if (outcome === 'completed') return;
      const notification = notificationOfJob(job.data);
      if (!notification) return;
      const reason = job.failedReason ?? 'unknown';
      recordLater(notification.id, notification.subject, [
        outcome === 'retrying'
          ? { kind: 'attempt-failed', detail: `attempt ${job.attemptsMade}: ${reason}`, queue, jobId: String(job.id) }
          : // The runtime copies a job that failed for good into the dead-letter queue under this id.
            { kind: 'dead-lettered', detail: reason, queue: DEAD_LETTER_QUEUE, jobId: deadLetterId(queue, String(job.id)) },
      ]);
    },
    async flush() {
      await Promise.all(pending);
    },
  };
}
