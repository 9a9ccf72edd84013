import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig, roles as allRoles } from '@reauth/config';
import type { NotificationDetail } from '@reauth/notification';
import { createRedis, type RedisClient } from '@reauth/redis';
import { createUserTokens } from '@reauth/tray';
import { adminAccess } from './admin.js';
import { eventually, startStack, type Stack } from './pipeline/stack.js';

const ADMIN_PASSWORD = 'observability-test-password';
const METRICS_TOKEN = 'observability-metrics-token';
const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };
const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

let stack: Stack;
let seq = 0;

/** A Tray user whose expiring auth is used by one instance (or none), with a contact (or not). */
function seedAuth(options: { used: boolean; contact: boolean }) {
  seq += 1;
  const userId = `user-${seq}`;
  const externalUserId = `ext-${seq}`;
  const authId = `auth-${seq}`;
  stack.tray.addUser({ id: userId, externalUserId, name: `User ${seq}` });
  stack.tray.addInstance({ id: `si-${seq}`, name: `Sync ${seq}`, owner: userId, authValues: [{ externalId: 'crm', authId: options.used ? authId : `other-${seq}` }] });
  if (options.contact) stack.contacts.set(externalUserId, { email: `person${seq}@customer.test` });
  return { userId, externalUserId, authId, webhook: { authentication_name: `CRM ${seq}`, service_name: 'salesforce', user_id: userId, authId, external_user_id: externalUserId } };
}

/** `name{labels} value` lines of a scrape, as a map. */
function parse(scrape: string): Map<string, number> {
  return new Map(
    scrape
      .split('\n')
      .filter((l) => l.startsWith('reauth_'))
      .map((l) => {
        const at = l.lastIndexOf(' ');
        return [l.slice(0, at), Number(l.slice(at + 1))] as const;
      }),
  );
}

const scrape = async () => parse(await (await fetch(`${stack.ingressUrl}/metrics`, { headers: bearer })).text());
const admin = (path: string, init: RequestInit = {}) => fetch(`${stack.running.dashboardUrl}${path}`, { ...init, headers: { authorization: basic, ...init.headers } });
const detailOf = async (authId: string): Promise<NotificationDetail | undefined> => {
  const list = (await (await admin(`/api/notifications?provider=tray&authId=${authId}`)).json()) as { items: Array<{ id: string }> };
  const id = list.items[0]?.id;
  return id ? ((await (await admin(`/api/notifications/${id}`)).json()) as NotificationDetail) : undefined;
};

describe('one process running every role', () => {
  const sent = { used: true, contact: true };
  let a: ReturnType<typeof seedAuth>; // emailed, link clicked
  let b: ReturnType<typeof seedAuth>; // no instance uses it: skipped
  let c: ReturnType<typeof seedAuth>; // no contact: dead-lettered, later replayed
  let link: string;
  let commands: RedisClient;

  beforeAll(async () => {
    stack = await startStack({ roles: [...allRoles], env: { ADMIN_PASSWORD, ADMIN_PORT: '0', METRICS_TOKEN } });
    commands = createRedis({ url: stack.redis.url }, 'command');
    a = seedAuth(sent);
    b = seedAuth({ used: false, contact: true });
    c = seedAuth({ used: true, contact: false });
    // The first Tray call is answered "Rate limit exceeded": one throttled wait, then a retry.
    stack.tray.rateLimitNext(1);
    for (const { webhook } of [a, b, c]) expect((await stack.postWebhook(webhook)).status).toBe(200);
    expect(((await (await stack.postWebhook(a.webhook)).json()) as { status: string }).status).toBe('duplicate');
    expect((await stack.postWebhook(a.webhook, { token: 'not-the-webhook-token' })).status).toBe(401);
    expect((await stack.postWebhook({ ...a.webhook, authId: '' })).status).toBe(400);

    const [mail] = await stack.smtp.waitFor(1, 30_000);
    link = /http:\/\/reauth\.test(\/reauth\/[A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    await eventually('the dead-letter entry', async () => (await stack.queues.get('dead-letter').getJobCounts('waiting')).waiting === 1);
    await eventually('the skipped mapping', async () => (await stack.queues.get('instance-mapping').getJobCounts('completed')).completed === 3);
    expect((await stack.pressButton(link)).status).toBe(302);
    expect((await fetch(`${stack.ingressUrl}${link.slice(0, -4)}AAAA`, { redirect: 'manual' })).status).toBe(400);
  }, 60_000);

  afterAll(async () => {
    await commands?.quit();
    await stack?.stop();
  });

  it('counts a known run: webhooks by outcome, jobs, emails, Tray calls, rate-limit waits, link clicks, queue depth, the funnel', async () => {
    const m = await eventually('the click to be recorded', async () => ((await detailOf(a.authId))?.state === 'opened' ? scrape() : undefined));
    const expected: Record<string, number> = {
      'reauth_webhooks_total{outcome="accepted"}': 3,
      'reauth_webhooks_total{outcome="duplicate"}': 1,
      'reauth_webhooks_total{outcome="rejected",reason="unauthorized"}': 1,
      'reauth_webhooks_total{outcome="rejected",reason="invalid"}': 1,
      'reauth_jobs_total{queue="token-lookup",outcome="completed"}': 3,
      'reauth_jobs_total{queue="instance-mapping",outcome="completed"}': 3,
      'reauth_jobs_total{queue="notify",outcome="completed"}': 1,
      'reauth_jobs_total{queue="notify",outcome="failed"}': 1,
      'reauth_job_duration_seconds_count{queue="notify",outcome="failed"}': 1,
      'reauth_emails_total{provider="tray",outcome="sent"}': 1,
      'reauth_upstream_calls_total{upstream="tray",operation="authorize",outcome="ok"}': 3,
      'reauth_upstream_calls_total{upstream="tray",operation="authorize",outcome="rate-limited"}': 1,
      'reauth_upstream_calls_total{upstream="tray",operation="solutionInstances",outcome="ok"}': 3,
      'reauth_upstream_calls_total{upstream="tray",operation="generateAuthorizationCode",outcome="ok"}': 1,
      'reauth_rate_limit_waits_total{upstream="tray",reason="throttled"}': 1,
      'reauth_link_clicks_total{outcome="viewed",provider="tray"}': 1,
      'reauth_link_clicks_total{outcome="redirected",provider="tray"}': 1,
      'reauth_link_clicks_total{outcome="rejected-bad-signature",provider="unknown"}': 1,
      'reauth_notifications{provider="tray",state="received"}': 3,
      'reauth_notifications{provider="tray",state="notified"}': 1,
      'reauth_notifications{provider="tray",state="opened"}': 1,
      'reauth_notifications{provider="tray",state="skipped"}': 1,
      'reauth_notifications{provider="tray",state="failed"}': 1,
      'reauth_notifications{provider="tray",state="completed"}': 0,
      'reauth_queue_jobs{queue="notify",state="completed"}': 1,
      'reauth_queue_jobs{queue="notify",state="failed"}': 1,
      'reauth_queue_jobs{queue="token-lookup",state="waiting"}': 0,
      reauth_dead_letter_jobs: 1,
    };
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, m.get(k)]))).toEqual(expected);
    expect(m.get('reauth_emails_total{provider="tray",outcome="failed"}')).toBeUndefined();
    expect(m.get('reauth_history_errors_total')).toBe(0);
    // Labels stay low-cardinality: no id, user or token ever becomes a label value.
    for (const series of m.keys()) expect(series).not.toMatch(/auth-\d|user-\d|ext-\d|tray-[0-9a-f]{8}/);
  });

  it('records each notification’s state and timeline from the stages, the send, the runtime and the landing page', async () => {
    const emailed = await detailOf(a.authId);
    expect(emailed).toMatchObject({ provider: 'tray', ids: { authId: a.authId, userId: a.userId, externalUserId: a.externalUserId }, context: { serviceName: 'salesforce' }, state: 'opened', sends: 1 });
    const kinds = emailed?.events.map((e) => e.kind) ?? [];
    // The duplicate webhook arrives while the pipeline runs; every other step is in pipeline order.
    expect(kinds.filter((k) => k !== 'duplicate')).toEqual(['received', 'step', 'step', 'email-sent', 'opened']);
    expect(emailed?.events.filter((e) => e.kind === 'step').map((e) => e.detail)).toEqual(['user token minted', '1 of 1 instances use this auth']);
    expect(kinds.filter((k) => k === 'duplicate').length).toBeLessThanOrEqual(1);
    expect(emailed?.events.find((e) => e.kind === 'email-sent')).toMatchObject({ queue: 'notify', jobId: `${emailed?.id}.s0` });

    const skipped = await detailOf(b.authId);
    expect(skipped).toMatchObject({ state: 'skipped', reason: 'no instance uses this auth' });
    expect(skipped?.events.map((e) => e.kind)).toEqual(['received', 'step', 'skipped']);
    const dead = await detailOf(c.authId);
    expect(dead).toMatchObject({ state: 'failed', reason: 'dead-lettered' });
    expect(dead?.events.at(-1)).toMatchObject({ kind: 'dead-lettered', queue: 'dead-letter', jobId: `notify.${dead?.id}.s0`, detail: 'no contact found for the external user id' });
  });

  it('replays the dead-lettered notification from the dashboard, through to the email', async () => {
    const dead = await detailOf(c.authId);
    stack.contacts.set(c.externalUserId, { email: 'late@customer.test' });
    const res = await admin(`/api/dead-letter/notify.${dead?.id}.s0/replay`, { method: 'POST' });
    expect(res.status).toBe(200);
    await stack.smtp.waitFor(2, 20_000);
    const after = await eventually('the replayed notification to be sent', async () => {
      const d = await detailOf(c.authId);
      return d?.state === 'notified' ? d : undefined;
    });
    expect(after.events.map((e) => e.kind).slice(-2)).toEqual(['replayed', 'email-sent']);
    const m = await scrape();
    expect([m.get('reauth_emails_total{provider="tray",outcome="sent"}'), m.get('reauth_jobs_total{queue="notify",outcome="completed"}')]).toEqual([2, 2]);
  });

  it('shows no secret in metrics, the admin API, history pages or Bull Board', async () => {
    // The user tokens Tray issued, read back (decrypted) from the cache the workers filled.
    const tokens = createUserTokens({
      redis: commands,
      // Every token is cached by now; minting one here would mean the cache lost it.
      tray: { authorize: async () => Promise.reject(new Error('not cached')) },
      keyPrefix: stack.config.REDIS_PREFIX,
      secret: stack.config.LINK_SECRET as string,
    });
    const userTokens = await Promise.all([a, b, c].map(async (s) => (await tokens.get(s.userId)).token));
    expect(userTokens.every((t) => t.length >= 16)).toBe(true);
    const secrets = { master: stack.masterToken, webhook: stack.webhookToken, link: stack.config.LINK_SECRET as string, ...Object.fromEntries(userTokens.map((t, i) => [`user${i}`, t])) };

    const ids = ((await (await admin('/api/notifications')).json()) as { items: Array<{ id: string }> }).items.map((n) => n.id);
    expect(ids).toHaveLength(3);
    const pages = ['/api/notifications', '/api/dead-letter', '/notifications', ...ids.flatMap((id) => [`/api/notifications/${id}`, `/notifications/${id}`])];
    for (const queue of ['token-lookup', 'instance-mapping', 'notify', 'reminders', 'dead-letter']) {
      for (const status of ['completed', 'failed', 'waiting']) pages.push(`/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=50`);
    }
    const bodies = await Promise.all(pages.map(async (p) => `${p}\n${await (await admin(p)).text()}`));
    bodies.push(await (await fetch(`${stack.ingressUrl}/metrics`, { headers: bearer })).text());
    const haystack = bodies.join('\n');
    expect(haystack).toContain(`notification.send · ${ids[0]}`); // the pages did render jobs
    expect(Object.entries(secrets).filter(([, s]) => haystack.includes(s)).map(([name]) => name)).toEqual([]);
  });
});

describe("the ingress's /metrics on its public port", () => {
  it('does not exist without METRICS_TOKEN, and METRICS_PORT serves the metrics instead', async () => {
    const ingress = await startStack({ roles: ['ingress'], env: { METRICS_PORT: '0' } });
    try {
      expect((await fetch(`${ingress.ingressUrl}/metrics`)).status).toBe(404);
      expect((await fetch(`${ingress.ingressUrl}/metrics`, { headers: bearer })).status).toBe(404);
      const metrics = await fetch(`${ingress.running.metricsUrl}/metrics`);
      expect([metrics.status, await metrics.text()]).toEqual([200, expect.stringContaining('reauth_webhooks_total')]);
    } finally {
      await ingress.stop();
    }
  });

  it('with METRICS_TOKEN, answers only its Bearer token', async () => {
    const ingress = await startStack({ roles: ['ingress'], env: { METRICS_TOKEN } });
    try {
      const status = async (headers: Record<string, string>) => (await fetch(`${ingress.ingressUrl}/metrics`, { headers })).status;
      expect(await status({})).toBe(401);
      expect(await status({ authorization: `Bearer ${METRICS_TOKEN}x` })).toBe(401);
      expect(await status({ authorization: `Basic ${Buffer.from(`admin:${METRICS_TOKEN}`).toString('base64')}` })).toBe(401);
      expect(await status(bearer)).toBe(200);
      expect(ingress.running.metricsUrl).toBeUndefined();
    } finally {
      await ingress.stop();
    }
  });
});

describe('a process without an ingress', () => {
  it('serves /metrics, /healthz and /readyz on METRICS_PORT, not ready while Redis is down', async () => {
    const worker = await startStack({ roles: ['token-lookup'], env: { METRICS_PORT: '0' } });
    try {
      const url = worker.running.metricsUrl;
      expect(url).toBeDefined();
      expect(worker.running.ingressUrl).toBeUndefined();
      const ready = async () => (await fetch(`${url}/readyz`)).status;
      expect(await ready()).toBe(200);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('reauth_queue_jobs{queue="token-lookup",state="waiting"} 0');

      await worker.redis.stop();
      await eventually('readiness to drop with Redis', async () => (await ready()) === 503);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await worker.redis.restart();
      await eventually('readiness to come back with Redis', async () => (await ready()) === 200);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('has none when METRICS_PORT is unset (the default)', async () => {
    const worker = await startStack({ roles: ['token-lookup'] });
    try {
      expect(worker.running.metricsUrl).toBeUndefined();
    } finally {
      await worker.stop();
    }
  });
});

describe('dashboard access', () => {
  it('refuses to start in production without ADMIN_PASSWORD', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' }, ['dashboard'], [])).toThrow(ConfigError);
    expect(() => parseConfig({ NODE_ENV: 'production' }, ['dashboard'], [])).toThrow(/ADMIN_PASSWORD: required in production/);
    expect(() => parseConfig({ NODE_ENV: 'production', ADMIN_PASSWORD: 'x'.repeat(20) }, ['dashboard'], [])).not.toThrow();
  });

  it('outside production without a password, uses a one-time password on loopback only', () => {
    const config = parseConfig({ NODE_ENV: 'development' }, ['dashboard'], []);
    const first = adminAccess(config);
    const second = adminAccess(config);
    expect(first.host).toBe('127.0.0.1');
    expect(first.credentials.user).toBe('admin');
    expect(first.credentials.password.length).toBeGreaterThanOrEqual(24);
    expect(second.credentials.password).not.toBe(first.credentials.password);
    expect(adminAccess(parseConfig({ ADMIN_PASSWORD: 'configured-password' }, ['dashboard'], []))).toEqual({ credentials: { user: 'admin', password: 'configured-password' } });
  });
});
