import { afterEach, describe, expect, it } from '@jest/globals';
import { createMetrics, createReadiness, startMetricsServer, type CountableQueue, type MetricsServer } from './index.js';

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(ping: () => Promise<unknown>, timeoutMs?: number) {
  const metrics = createMetrics();
  const readiness = createReadiness(ping, timeoutMs);
  const server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, readiness });
  servers.push(server);
  return { metrics, readiness, url: server.url };
}

/** Series lines of one metric, without HELP/TYPE. */
const series = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('metrics server', () => {
  it('serves the registry in the Prometheus text format, with default process metrics', async () => {
    const { metrics, url } = await serve(async () => 'PONG');
    metrics.webhooks.inc({ outcome: 'accepted' });
    metrics.webhooks.inc({ outcome: 'rejected', reason: 'unauthorized' });
    metrics.jobDuration.observe({ queue: 'notify', outcome: 'completed' }, 0.2);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(series(text, 'reauth_webhooks_total')).toEqual(['reauth_webhooks_total{outcome="accepted"} 1', 'reauth_webhooks_total{outcome="rejected",reason="unauthorized"} 1']);
    expect(text).toContain('reauth_job_duration_seconds_bucket{le="0.25",queue="notify",outcome="completed"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it('is ready only while Redis answers in time and the process is not draining', async () => {
    let redisUp = true;
    const { readiness, url } = await serve(() => (redisUp ? Promise.resolve('PONG') : Promise.reject(new Error('ECONNREFUSED'))));
    const probe = async (path: string) => {
      const res = await fetch(`${url}${path}`);
      return [res.status, await res.json()];
    };
    expect(await probe('/healthz')).toEqual([200, { status: 'ok' }]);
    expect(await probe('/readyz')).toEqual([200, { status: 'ready' }]);
    redisUp = false;
    expect(await probe('/readyz')).toEqual([503, { status: 'redis-unreachable' }]);
    expect(await probe('/healthz')).toEqual([200, { status: 'ok' }]);
    redisUp = true;
    expect(await probe('/readyz')).toEqual([200, { status: 'ready' }]);
    readiness.drain();
    expect(await probe('/readyz')).toEqual([503, { status: 'draining' }]);
  });

  it('is not ready when Redis does not answer at all', async () => {
    const { url } = await serve(() => new Promise(() => undefined), 100);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });
});

describe('queue gauges', () => {
  const queue = (name: string, counts: Record<string, number> | Error): CountableQueue => ({
    name,
    getJobCounts: async () => {
      if (counts instanceof Error) throw counts;
      return counts;
    },
  });

  it('reads depth per state at scrape time and drops the series of a queue that cannot be read', async () => {
    const metrics = createMetrics();
    const counts = { waiting: 3, active: 1, delayed: 0, prioritized: 0, paused: 0, failed: 2, completed: 7 };
    metrics.watchQueues([queue('notify', counts), queue('token-lookup', new Error('Redis is down'))], queue('dead-letter', { waiting: 4, completed: 1 }));
    const text = await metrics.registry.metrics();
    expect(series(text, 'reauth_queue_jobs')).toEqual(Object.entries(counts).map(([state, n]) => `reauth_queue_jobs{queue="notify",state="${state}"} ${n}`));
    expect(series(text, 'reauth_dead_letter_jobs')).toEqual(['reauth_dead_letter_jobs 5']);

    counts.waiting = 0;
    expect(series(await metrics.registry.metrics(), 'reauth_queue_jobs')).toContain('reauth_queue_jobs{queue="notify",state="waiting"} 0');
  });

  it('keeps one registry per process object, so two in one test run do not clash', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.emails.inc({ provider: 'tray', outcome: 'sent' });
    expect(series(await a.registry.metrics(), 'reauth_emails_total')).toEqual(['reauth_emails_total{provider="tray",outcome="sent"} 1']);
    expect(series(await b.registry.metrics(), 'reauth_emails_total')).toEqual([]);
  });
});
