import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Worker, type Job } from 'bullmq';
import request from 'supertest';
import { createLogger } from '@reauth/logger';
import { createReadiness } from '@reauth/metrics';
import { createNotifications, type Notifications, type OpenInput } from '@reauth/notification';
import { PermanentError, deadLetter, openQueues, queuePrefix, type QueueSet } from '@reauth/queues';
import { createRedis, type RedisClient } from '@reauth/redis';
import { startRedisServer, type RedisServer } from '@reauth/testkit';
import { createDashboard, type DashboardOptions } from './index.js';
import { workQueueNames } from '@reauth/worker';

const credentials = { user: 'admin', password: `pw-${randomUUID()}` };
const log = createLogger({ level: 'silent' });

let redis: RedisServer;
let commands: RedisClient;
const opened: QueueSet[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  commands = createRedis({ url: redis.url }, 'command');
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  await Promise.all(opened.map((q) => q.close()));
  await commands.quit();
  await redis.stop();
});

interface World {
  prefix: string;
  queues: QueueSet;
  store: Notifications;
  server: Server;
  host: string;
}

/** A dashboard over a fresh prefix, listening on a loopback port (Origin checks need a fixed host). */
async function world(overrides: Partial<DashboardOptions> = {}, prefix = `t${randomUUID().slice(0, 8)}`): Promise<World> {
  const queues = openQueues({ target: { url: redis.url }, prefix, queues: workQueueNames, tuning: { attempts: 1, backoffMs: 10 } });
  opened.push(queues);
  const store = createNotifications(commands, { prefix, retentionDays: 30 });
  const app = createDashboard({ queues, store, credentials, readOnly: false, readiness: createReadiness(() => queues.connection.ping()), log, loginStore: { redis: commands, prefix }, intakes: [], ...overrides });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return { prefix, queues, store, server, host: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

const auth = (r: request.Test) => r.auth(credentials.user, credentials.password);

/** A Tray notification record as the token-lookup stage opens it. */
const trayRecord = (id: string, ids: Record<string, string>, context: Record<string, unknown> = {}): OpenInput => ({
  id,
  provider: 'tray',
  subjectKey: ids.authId ?? id,
  ids,
  contactKey: ids.externalUserId ?? 'ext',
  context,
  expiresAt: Date.now() + 14 * 86_400_000,
});

function stageJob(n: number, extra: Record<string, unknown> = {}) {
  return {
    notificationId: `tray-n${n}-${1_700_000_000_000 + n}`,
    receivedAt: Date.now(),
    auth: { authentication_name: `CRM ${n}`, service_name: 'salesforce', user_id: `user-${n}`, authId: `auth-${n}`, external_user_id: `ext-${n}` },
    instances: [],
    ...extra,
  };
}

/** A real final failure: a notify job run by a real BullMQ worker that throws a PermanentError, then dead-lettered. */
async function deadLettered(w: World, data: ReturnType<typeof stageJob>, queue: string = 'notify'): Promise<{ job: Job; entryId: string }> {
  await w.queues.get(queue).add('tray.notify', data, { jobId: data.notificationId, attempts: 1 });
  const connection = createRedis({ url: redis.url }, 'worker');
  const failed = new Promise<Job>((resolve) => {
    const worker: Worker = new Worker(
      queue,
      async (): Promise<unknown> => {
        throw new PermanentError('no contact found for the external user id', 'no-contact');
      },
      { connection, prefix: queuePrefix(w.prefix, queue) },
    );
    worker.on('failed', (job) => {
      if (job) void worker.close().then(() => connection.quit()).then(() => resolve(job));
    });
  });
  const job = await failed;
  await deadLetter(w.queues, queue, job);
  await w.store.open(trayRecord(data.notificationId, { authId: data.auth.authId, userId: data.auth.user_id, externalUserId: data.auth.external_user_id }));
  await w.store.move(data.notificationId, { to: 'failed', reason: 'dead-lettered', event: { kind: 'dead-lettered', queue: 'dead-letter', jobId: `${queue}.${data.notificationId}` } });
  return { job, entryId: `${queue}.${data.notificationId}` };
}

describe('authentication', () => {
  it('keeps health probes open and everything else behind Basic auth', async () => {
    const w = await world();
    await request(w.server).get('/healthz').expect(200, { status: 'ok' });
    await request(w.server).get('/readyz').expect(200, { status: 'ready' });
    for (const path of ['/', '/notifications', '/queues', '/queues/api/queues', '/api/notifications', '/api/dead-letter']) {
      const res = await request(w.server).get(path);
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="reauth admin"/);
    }
    await request(w.server).get('/api/notifications').auth('admin', 'wrong').expect(401);
    await request(w.server).get('/api/notifications').auth('root', credentials.password).expect(401);
    await auth(request(w.server).get('/api/notifications')).expect(200, { items: [] });
  });

  it('answers 429 after too many wrong passwords, even to the right one, and does not count missing credentials', async () => {
    const w = await world({ loginLimit: { failures: 3, windowMs: 60_000 } });
    for (let i = 0; i < 5; i += 1) await request(w.server).get('/api/notifications').expect(401);
    for (let i = 0; i < 3; i += 1) await request(w.server).get('/api/notifications').auth('admin', `guess-${i}`).expect(401);
    const limited = await request(w.server).get('/api/notifications').auth('admin', 'guess-4').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await auth(request(w.server).get('/api/notifications')).expect(429);
    await request(w.server).get('/healthz').expect(200);
  });

  it('counts failures in Redis: wrong passwords on one replica lock the client out of another', async () => {
    const loginLimit = { failures: 3, windowMs: 60_000 };
    const a = await world({ loginLimit });
    const b = await world({ loginLimit }, a.prefix);
    await request(a.server).get('/api/notifications').auth('admin', 'guess-a1').expect(401);
    await request(b.server).get('/api/notifications').auth('admin', 'guess-b1').expect(401);
    await request(a.server).get('/api/notifications').auth('admin', 'guess-a2').expect(401);
    for (const w of [a, b]) {
      const limited = await auth(request(w.server).get('/api/notifications')).expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await commands.keys(`${a.prefix}:{dashboard}:login-failures:*`)).toHaveLength(1);
    // Another deployment (prefix) on the same Redis counts on its own.
    await auth(request((await world({ loginLimit })).server).get('/api/notifications')).expect(200);
  });

  it('lets a good password through while under the limit', async () => {
    const w = await world({ loginLimit: { failures: 3, windowMs: 60_000 } });
    await request(w.server).get('/api/notifications').auth('admin', 'typo').expect(401);
    for (let i = 0; i < 10; i += 1) await auth(request(w.server).get('/api/notifications')).expect(200);
  });
});

describe('Bull Board', () => {
  it('shows every queue, names jobs by their notification, and masks secrets in job data', async () => {
    const w = await world();
    await w.queues.get('notify').add('tray.notify', stageJob(1, { token: 'sekrit-token-value', nested: { password: 'sekrit-pass' }, note: 'Bearer sekrit-bearer' }), { jobId: 'j1' });
    const res = await auth(request(w.server).get('/queues/api/queues?activeQueue=notify&status=latest&page=1&jobsPerPage=10')).expect(200);
    const names = (res.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
    expect(names).toEqual(['dead-letter', 'events', 'instance-mapping', 'journeyapps-force', 'journeyapps-sweep', 'notify', 'reminders', 'token-lookup']);
    const notify = (res.body.queues as Array<{ name: string; jobs: Array<{ name: string; data: unknown }> }>).find((q) => q.name === 'notify');
    expect(notify?.jobs[0]?.name).toBe(`tray.notify · ${stageJob(1).notificationId}`);
    expect(notify?.jobs[0]?.data).toMatchObject({ token: '[REDACTED]', nested: { password: '[REDACTED]' }, note: 'Bearer [REDACTED]' });
    expect(res.text).not.toContain('sekrit');
    // The UI itself loads behind the same auth.
    const page = await auth(request(w.server).get('/queues')).expect(200);
    expect(page.text).toContain('<title>reauth</title>');
  });
});

describe('CSRF', () => {
  it('refuses state-changing requests from other sites, on its own API and on Bull Board’s', async () => {
    const w = await world();
    const { entryId, job } = await deadLettered(w, stageJob(2));
    const replay = () => auth(request(w.server).post(`/api/dead-letter/${entryId}/replay`));
    const retry = () => auth(request(w.server).put(`/queues/api/queues/notify/${job.id}/retry`));

    for (const attempt of [replay, retry]) {
      await attempt().set('Sec-Fetch-Site', 'cross-site').expect(403);
      await attempt().set('Sec-Fetch-Site', 'same-site').expect(403);
      await attempt().set('Origin', 'http://evil.example').expect(403);
      await attempt().set('Origin', 'null').expect(403);
      await attempt().set('Referer', 'http://evil.example/page').expect(403);
    }
    // Nothing happened.
    expect((await w.queues.get('dead-letter').getJob(entryId))?.data.replayedAt).toBeUndefined();
    expect(await w.queues.get('notify').getJobState(String(job.id))).toBe('failed');

    // The dashboard's own pages (and non-browser clients, which send none of these headers) pass.
    await retry().set('Origin', `http://${w.host}`).expect(204);
    await replay().set('Sec-Fetch-Site', 'same-origin').set('Origin', `http://${w.host}`).expect(200);
  });

  it('accepts a script without browser headers', async () => {
    const w = await world();
    const { entryId } = await deadLettered(w, stageJob(3));
    await auth(request(w.server).post(`/api/dead-letter/${entryId}/replay`)).expect(200);
  });
});

describe('read-only mode', () => {
  it('serves every read and refuses every change', async () => {
    const w = await world({ readOnly: true });
    const { entryId, job } = await deadLettered(w, stageJob(4));
    const same = { 'Sec-Fetch-Site': 'same-origin', Origin: `http://${w.host}` };
    await auth(request(w.server).post(`/api/dead-letter/${entryId}/replay`)).set(same).expect(403);
    await auth(request(w.server).put(`/queues/api/queues/notify/${job.id}/retry`)).set(same).expect(403);
    await auth(request(w.server).put('/queues/api/queues/notify/clean/failed')).set(same).expect(403);
    expect(await w.queues.get('notify').getJobState(String(job.id))).toBe('failed');
    expect((await w.queues.get('dead-letter').getJob(entryId))?.data.replayedAt).toBeUndefined();

    await auth(request(w.server).get('/api/dead-letter')).expect(200);
    const page = await auth(request(w.server).get(`/notifications/${stageJob(4).notificationId}`)).expect(200);
    expect(page.text).toContain('read-only');
    expect(page.text).not.toContain('Replay</button>');
    const board = await auth(request(w.server).get('/queues/api/queues')).expect(200);
    expect((board.body.queues as Array<{ readOnlyMode: boolean }>).every((q) => q.readOnlyMode)).toBe(true);
  });
});

describe('admin API', () => {
  it('filters notifications by provider, state and the provider’s own ids, and resolves one by hand', async () => {
    const w = await world();
    const add = async (id: string, authId: string, userId: string, externalUserId: string, sent: boolean) => {
      await w.store.open(trayRecord(id, { authId, userId, externalUserId }));
      if (sent) await w.store.move(id, { to: 'notified', sentIndex: 0, due: Date.now() + 60_000, event: { kind: 'email-sent', queue: 'notify', jobId: `${id}.s0` } });
    };
    await add('n1', 'a1', 'u1', 'e1', true);
    await add('n2', 'a2', 'u1', 'e2', false);
    await add('n3', 'a3', 'u2', 'e2', true);
    const ids = async (query: string) => ((await auth(request(w.server).get(`/api/notifications?${query}`)).expect(200)).body.items as Array<{ id: string }>).map((n) => n.id);

    expect(await ids('')).toEqual(['n3', 'n2', 'n1']);
    expect(await ids('provider=tray')).toEqual(['n3', 'n2', 'n1']);
    expect(await ids('provider=truelayer')).toEqual([]);
    expect(await ids('provider=tray&authId=a2')).toEqual(['n2']);
    expect(await ids('provider=tray&userId=u1')).toEqual(['n2', 'n1']);
    expect(await ids('provider=tray&externalUserId=e2')).toEqual(['n3', 'n2']);
    expect(await ids('state=notified')).toEqual(['n3', 'n1']);
    expect(await ids('provider=tray&userId=u1&state=notified')).toEqual(['n1']);
    const paged = await auth(request(w.server).get('/api/notifications?limit=2')).expect(200);
    expect(paged.body.items).toHaveLength(2);
    expect(await ids(`limit=2&cursor=${paged.body.next}`)).toEqual(['n1']);

    const bad = await auth(request(w.server).get('/api/notifications?state=exploded')).expect(400);
    expect(bad.body.issues[0].path).toBe('state');
    await auth(request(w.server).get('/api/notifications?limit=100000')).expect(400);
    const noProvider = await auth(request(w.server).get('/api/notifications?authId=a1')).expect(400);
    expect(noProvider.body.issues[0]).toEqual({ path: 'authId', message: 'filtering by a provider id needs ?provider=' });

    const one = await auth(request(w.server).get('/api/notifications/n1')).expect(200);
    expect(one.body).toMatchObject({ id: 'n1', provider: 'tray', ids: { authId: 'a1' }, state: 'notified', lastQueue: 'notify', events: [{ kind: 'received' }, { kind: 'email-sent', queue: 'notify', jobId: 'n1.s0' }] });
    await auth(request(w.server).get('/api/notifications/nope')).expect(404);

    // Resolved by hand: completed, off the reminder schedule, and counted in the funnel.
    const resolved = await auth(request(w.server).post('/api/notifications/n1/resolve')).expect(200);
    expect(resolved.body).toEqual({ id: 'n1', state: 'completed' });
    expect(await commands.zscore(`${w.store.base}:due`, 'n1')).toBeNull();
    expect(await commands.zscore(`${w.store.base}:due`, 'n3')).not.toBeNull();
    await auth(request(w.server).post('/api/notifications/n1/resolve')).expect(409);
    await auth(request(w.server).post('/api/notifications/nope/resolve')).expect(404);
    const funnel = await auth(request(w.server).get('/api/funnel')).expect(200);
    expect(funnel.body).toEqual({ tray: { received: 3, notified: 2, opened: 0, completed: 1, lapsed: 0, failed: 0, superseded: 0, skipped: 0 } });
    const page = await auth(request(w.server).get('/notifications/n3')).expect(200);
    expect(page.text).toContain('action="/api/notifications/n3/resolve"');
    const list = await auth(request(w.server).get('/notifications')).expect(200);
    expect(list.text).toMatch(/<th>tray<\/th><td>3<\/td><td>2<\/td><td>0<\/td><td>1<\/td>/);
  });

  it('lists dead-letter entries and replays one exactly once', async () => {
    const w = await world();
    const data = stageJob(5);
    const { entryId } = await deadLettered(w, data);

    const listed = await auth(request(w.server).get('/api/dead-letter')).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: entryId, sourceQueue: 'notify', jobId: data.notificationId, reason: 'no contact found for the external user id', errorCode: 'no-contact' })]);

    const replayed = await auth(request(w.server).post(`/api/dead-letter/${entryId}/replay`)).expect(200);
    const replayJobId = replayed.body.replayJobId as string;
    expect(replayJobId).toMatch(new RegExp(`^${data.notificationId}\\.replay-\\d+$`));
    const rerun = await w.queues.get('notify').getJob(replayJobId);
    expect(rerun?.data).toEqual(data);
    expect(await rerun?.getState()).toBe('waiting');

    const again = await auth(request(w.server).post(`/api/dead-letter/${entryId}/replay`)).expect(409);
    expect(again.body.replayJobId).toBe(replayJobId);
    expect(await w.queues.get('notify').getJobCounts('waiting')).toEqual({ waiting: 1 });
    await auth(request(w.server).post('/api/dead-letter/notify.unknown/replay')).expect(404);

    const timeline = await w.store.detail(data.notificationId);
    expect(timeline?.state).toBe('received');
    expect(timeline?.events.at(-1)).toMatchObject({ kind: 'replayed', queue: 'notify', detail: `replay of ${entryId}` });
  });

  it('sends the notification page’s replay form back to the timeline', async () => {
    const w = await world();
    const data = stageJob(6);
    const { entryId } = await deadLettered(w, data);
    const before = await auth(request(w.server).get(`/notifications/${data.notificationId}`)).expect(200);
    expect(before.text).toContain(`action="/api/dead-letter/${entryId}/replay"`);

    const res = await auth(request(w.server).post(`/api/dead-letter/${entryId}/replay`))
      .set({ Accept: 'text/html,application/xhtml+xml', 'Sec-Fetch-Site': 'same-origin', Origin: `http://${w.host}` })
      .expect(303);
    expect(res.headers.location).toBe(`/notifications/${data.notificationId}`);
    const after = await auth(request(w.server).get(res.headers.location as string)).expect(200);
    expect(after.text).not.toContain(`action="/api/dead-letter/${entryId}/replay"`);
    expect(after.text).toMatch(/replayed as <a href="\/queues\/queue\/notify\/tray-n6-\d+\.replay-\d+">notify<\/a>/);
  });
});

describe('history pages', () => {
  it('lists notifications with links into Bull Board and escapes what came from the webhook', async () => {
    const w = await world();
    await w.store.open(trayRecord('n-1', { authId: 'a-<b>', userId: 'u1', externalUserId: '<script>alert(1)</script>' }, { authenticationName: '"><img src=x onerror=alert(1)>' }));
    await w.store.step('n-1', { kind: 'step', detail: 'user token <b>minted</b>', queue: 'token-lookup', jobId: 'n-1' });

    const list = await auth(request(w.server).get('/notifications')).expect(200);
    expect(list.headers['content-security-policy']).toContain("default-src 'none'");
    expect(list.headers['x-frame-options']).toBe('DENY');
    expect(list.text).toContain('href="/queues/queue/token-lookup/n-1"');
    expect(list.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.text).not.toContain('<script>');
    expect(list.text).not.toContain('<img');

    const filtered = await auth(request(w.server).get('/notifications?state=completed')).expect(200);
    expect(filtered.text).toContain('No notifications match.');
    const byId = await auth(request(w.server).get('/notifications?provider=tray&key=userId&value=u1')).expect(200);
    expect(byId.text).toContain('href="/notifications/n-1"');
    const detail = await auth(request(w.server).get('/notifications/n-1')).expect(200);
    expect(detail.text).toMatch(/<td>received<\/td>[\s\S]*<td>step<\/td><td>user token &lt;b&gt;minted&lt;\/b&gt;<\/td>/);
    expect(detail.text).toContain('action="/api/notifications/n-1/resolve"');
    await auth(request(w.server).get('/notifications/unknown')).expect(404);
  });
});
