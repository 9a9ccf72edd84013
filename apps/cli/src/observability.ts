import type { IngressOptions } from '@reauth/ingress';
import type { Logger } from '@reauth/logger';
import { createMetrics, createReadiness, metricsHandler, requireBearer, type Metrics, type Readiness } from '@reauth/metrics';
import type { Notifications } from '@reauth/notification';
import { DEAD_LETTER_QUEUE, PermanentError, RateLimitedError, deadLetterId, type QueueSet } from '@reauth/queues';
import type { WorkerRuntimeOptions } from '@reauth/worker';
import type { CoreHooks } from './core.js';

/**
 * One process's metrics and readiness, and the hooks that feed them from the ingress, the
 * provider clients, the core's send and the worker runtime. Timeline steps for retries and dead
 * letters are best effort: a failure is counted and logged, never turned into a failed job.
 */
export interface Observability {
  metrics: Metrics;
  readiness: Readiness;
  ingress: Pick<IngressOptions, 'onWebhook' | 'onLinkClick' | 'metrics'>;
  core: CoreHooks;
  /** Needs the store, which is built after the hooks it is given. */
  watch(store: Notifications): void;
  onJobDone: NonNullable<WorkerRuntimeOptions['onJobDone']>;
  /** Waits for timeline writes still under way (before the Redis connection is closed). */
  flush(): Promise<void>;
}

/** The notification a job serves: every stage job and the core's send carry `notificationId`. */
const notificationOf = (data: unknown): string | undefined => {
  const id = (data as { notificationId?: unknown } | null)?.notificationId;
  return typeof id === 'string' ? id : undefined;
};

export function observe(deps: { queues: QueueSet; log: Logger; metricsToken?: string | undefined }): Observability {
  const metrics = createMetrics();
  metrics.watchQueues(deps.queues.all().filter((q) => q.name !== DEAD_LETTER_QUEUE), deps.queues.get(DEAD_LETTER_QUEUE));
  const log = deps.log.child({ component: 'timeline' });
  let store: Notifications | undefined;

  const pending = new Set<Promise<void>>();
  const later = (id: string, write: (s: Notifications) => Promise<unknown>) => {
    if (!store) return;
    const s = store;
    const done = write(s)
      .then(() => undefined)
      .catch((err: Error) => {
        metrics.historyErrors.inc();
        log.warn({ notificationId: id, err: err.message }, 'could not record a timeline step');
      });
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  return {
    metrics,
    readiness: createReadiness(() => deps.queues.connection.ping()),
    ingress: {
      // The ingress's port is public: without a token its /metrics does not exist (METRICS_PORT serves them).
      ...(deps.metricsToken ? { metrics: [requireBearer(deps.metricsToken), metricsHandler(metrics.registry)] } : {}),
      onWebhook(outcome, reason) {
        metrics.webhooks.inc(reason ? { outcome, reason } : { outcome });
      },
      onLinkClick(outcome, provider) {
        metrics.linkClicks.inc({ outcome, provider: provider ?? 'unknown' });
      },
    },
    core: {
      onCall(upstream, operation, outcome, error) {
        if (error instanceof RateLimitedError) metrics.rateLimitWaits.inc({ upstream, reason: 'throttled' });
        const label = outcome === 'ok' ? 'ok' : error instanceof RateLimitedError ? 'rate-limited' : error instanceof PermanentError ? 'rejected' : 'failed';
        metrics.upstreamCalls.inc({ upstream, operation, outcome: label });
      },
      onBudgetWait: (upstream) => metrics.rateLimitWaits.inc({ upstream, reason: 'budget' }),
      onEmail: (provider, outcome) => metrics.emails.inc({ provider, outcome }),
      onRun(provider, outcome, counts) {
        metrics.sweeps.inc({ provider, outcome });
        for (const [what, n] of Object.entries(counts)) if (n > 0) metrics.sweepSessions.inc({ provider, outcome: what }, n);
      },
    },
    watch(s) {
      store = s;
      metrics.watchFunnel(() => s.funnel());
    },
    onJobDone(queue, job, outcome, durationMs) {
      metrics.jobs.inc({ queue, outcome });
      metrics.jobDuration.observe({ queue, outcome }, durationMs / 1000);
      if (outcome === 'completed') return;
      const id = notificationOf(job.data);
      if (!id) return;
      const reason = job.failedReason ?? 'unknown';
      if (outcome === 'retrying') {
        later(id, (s) => s.step(id, { kind: 'attempt-failed', detail: `attempt ${job.attemptsMade}: ${reason}`, queue, jobId: String(job.id) }));
        return;
      }
      // The runtime copies a job that failed for good into the dead-letter queue under this id.
      later(id, (s) =>
        s.move(id, { to: 'failed', reason: 'dead-lettered', event: { kind: 'dead-lettered', detail: reason, queue: DEAD_LETTER_QUEUE, jobId: deadLetterId(queue, String(job.id)) } }),
      );
    },
    async flush() {
      await Promise.all(pending);
    },
  };
}
