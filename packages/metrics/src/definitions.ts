import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the queue gauges read on each scrape; a BullMQ `Queue` fits as it is. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** Job states worth a series; `completed` is bounded by retention, so it is kept too. */
export const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed', 'completed'] as const;

/**
 * Every reauth metric, on one registry per process. Labels take values from small fixed sets
 * (outcomes, queue names, operations): never an id, a user or a URL.
 */
export interface Metrics {
  registry: Registry;
  webhooks: Counter<'outcome' | 'reason'>;
  jobs: Counter<'queue' | 'outcome'>;
  jobDuration: Histogram<'queue' | 'outcome'>;
  emails: Counter<'provider' | 'outcome'>;
  upstreamCalls: Counter<'upstream' | 'operation' | 'outcome'>;
  rateLimitWaits: Counter<'upstream' | 'reason'>;
  linkClicks: Counter<'provider' | 'outcome'>;
  historyErrors: Counter;
  sweeps: Counter<'provider' | 'outcome'>;
  sweepSessions: Counter<'provider' | 'outcome'>;
  /** Queue depth per state and the dead-letter total, read from Redis when scraped. */
  watchQueues(queues: readonly CountableQueue[], deadLetter: CountableQueue): void;
  /** The notification funnel per provider (how many reached each state), read when scraped. */
  watchFunnel(read: () => Promise<Record<string, Record<string, number>>>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  let watched: { queues: readonly CountableQueue[]; deadLetter: CountableQueue } | undefined;
  // Read at scrape time: a gauge pushed from job events drifts when a process dies mid-update.
  // When Redis is unreachable the series are dropped rather than left at stale values.
  const queueJobs: Gauge<'queue' | 'state'> = new Gauge({
    name: 'reauth_queue_jobs',
    help: 'Jobs in each queue by state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      queueJobs.reset();
      if (!watched) return;
      const counts = await Promise.all(watched.queues.map((q) => q.getJobCounts(...queueStates).catch(() => undefined)));
      watched.queues.forEach((queue, i) => {
        const byState = counts[i];
        if (byState) for (const state of queueStates) queueJobs.set({ queue: queue.name, state }, byState[state] ?? 0);
      });
    },
  });
  const deadLetterJobs: Gauge = new Gauge({
    name: 'reauth_dead_letter_jobs',
    help: 'Entries held in the dead-letter queue (replayed ones stay until purged)',
    registers,
    async collect() {
      deadLetterJobs.reset();
      const counts = await watched?.deadLetter.getJobCounts(...queueStates).catch(() => undefined);
      if (counts) deadLetterJobs.set(Object.values(counts).reduce((sum, n) => sum + n, 0));
    },
  });

  let funnel: (() => Promise<Record<string, Record<string, number>>>) | undefined;
  // Counted in Redis by the notification store, so every process reports the same cluster-wide
  // totals: scrape one. Totals, not rates: a notification is counted once per state it reaches.
  const notifications: Gauge<'provider' | 'state'> = new Gauge({
    name: 'reauth_notifications',
    help: 'Notifications that reached each state (received, notified, opened, completed, lapsed, failed, superseded, skipped), by provider, cluster-wide',
    labelNames: ['provider', 'state'],
    registers,
    async collect() {
      notifications.reset();
      const counts = await funnel?.().catch(() => undefined);
      for (const [provider, states] of Object.entries(counts ?? {})) {
        for (const [state, n] of Object.entries(states)) notifications.set({ provider, state }, n);
      }
    },
  });

  return {
    registry,
    webhooks: new Counter({
      name: 'reauth_webhooks_total',
      help: 'Webhooks by outcome (the answer: accepted, duplicate, renewed, updated, revoked, queued; spooled, unavailable or rejected); reason says why one was rejected',
      labelNames: ['outcome', 'reason'],
      registers,
    }),
    jobs: new Counter({ name: 'reauth_jobs_total', help: 'Job attempts finished, by queue and outcome (completed, retrying, failed)', labelNames: ['queue', 'outcome'], registers }),
    jobDuration: new Histogram({
      name: 'reauth_job_duration_seconds',
      help: 'Time from a job attempt starting to it finishing, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    emails: new Counter({ name: 'reauth_emails_total', help: 'Re-auth emails (first notices and reminders) by provider and outcome (sent, failed)', labelNames: ['provider', 'outcome'], registers }),
    upstreamCalls: new Counter({
      name: 'reauth_upstream_calls_total',
      help: 'Calls to a provider API (tray, …) by operation and outcome (ok, rate-limited, failed, rejected)',
      labelNames: ['upstream', 'operation', 'outcome'],
      registers,
    }),
    rateLimitWaits: new Counter({
      name: 'reauth_rate_limit_waits_total',
      help: 'Waits for an upstream rate limit: reason budget = our own org-wide budget was spent, throttled = the upstream answered "slow down"',
      labelNames: ['upstream', 'reason'],
      registers,
    }),
    linkClicks: new Counter({ name: 'reauth_link_clicks_total', help: 'Landing-page requests by provider and outcome (viewed, redirected, completed, provider-unavailable, refused, rejected-…)', labelNames: ['provider', 'outcome'], registers }),
    historyErrors: new Counter({ name: 'reauth_history_errors_total', help: 'Timeline steps that could not be written (steps are best effort; jobs go on)', registers }),
    sweeps: new Counter({ name: 'reauth_sweeps_total', help: 'Session sweeps (JourneyApps) by provider and outcome (completed, failed: a wrong token shows here)', labelNames: ['provider', 'outcome'], registers }),
    sweepSessions: new Counter({
      name: 'reauth_sweep_sessions_total',
      help: 'What finished sweeps did with sessions, by outcome (examined, forced, warned, completed, young, not-enrolled, user-locked, failures)',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    watchQueues(queues, deadLetter) {
      watched = { queues, deadLetter };
    },
    watchFunnel(read) {
      funnel = read;
    },
  };
}
