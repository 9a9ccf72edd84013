import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openQueues, type QueueSet } from '@reauth/queues';
import { startLocalWorld, waitForReady, type LocalWorld } from '@reauth/testkit';
import { freePort } from '@reauth/redis';
import { enqueueExpiredAuth } from '@reauth/tray';
import { sourceCommand, startNode, type Child, type LogLine } from './child-process.js';
import { workQueueNames } from '@reauth/worker';

// Horizontal scaling as `docker compose up --scale worker-notify=3` does it: separate OS processes
// of one role, sharing nothing but Redis.
const NOTIFY_PROCESSES = 3;
const USERS = 6;
const AUTHS_PER_USER = 10;
const NOTIFICATIONS = USERS * AUTHS_PER_USER;

const prefix = `scale-${randomBytes(4).toString('hex')}`;
let world: LocalWorld;
let queues: QueueSet;
let feeder: Child;
let notifiers: Child[] = [];

const sent = (line: LogLine) => line.msg === 'notice sent';

beforeAll(async () => {
  world = await startLocalWorld({ tray: { embeddedId: 'acme-scale' } });
  const { tray, contacts } = world;
  for (let u = 0; u < USERS; u += 1) {
    tray.addUser({ id: `user-${u}`, externalUserId: `ext-${u}`, name: `User ${u}` });
    contacts.set(`ext-${u}`, { email: `user${u}@example.com` });
    for (let a = 0; a < AUTHS_PER_USER; a += 1) {
      tray.addInstance({ id: `si-${u}-${a}`, name: `Sync ${u}.${a}`, owner: `user-${u}`, authValues: [{ externalId: 'external_crm', authId: `auth-${u}-${a}` }] });
    }
  }
  const env = { ...world.env, LOG_LEVEL: 'info', REDIS_PREFIX: prefix, JOB_BACKOFF_MS: '200' };
  const ports = await Promise.all(Array.from({ length: NOTIFY_PROCESSES + 1 }, () => freePort()));
  const metrics = (i: number) => ({ METRICS_PORT: String(ports[i]) });
  feeder = startNode(sourceCommand('token-lookup,instance-mapping'), { ...env, ...metrics(0) });
  // A small concurrency per process, so no one process can take the whole backlog at once.
  notifiers = Array.from({ length: NOTIFY_PROCESSES }, (_, i) => startNode(sourceCommand('notify'), { ...env, ...metrics(i + 1), WORKER_CONCURRENCY: '2' }));
  await Promise.all(ports.map((port) => waitForReady(`http://127.0.0.1:${port}/readyz`, 30_000)));
  queues = openQueues({ target: { url: world.redis.url }, prefix, queues: workQueueNames, tuning: { attempts: 3, backoffMs: 200 } });
});

afterAll(async () => {
  await Promise.all([feeder, ...notifiers].filter(Boolean).map((c) => c.stop()));
  await queues?.close();
  await world?.stop();
});

describe(`${NOTIFY_PROCESSES} notify processes`, () => {
  it('share the notifications, and each is emailed once, by one process', async () => {
    const windowMs = 3_600_000;
    for (let u = 0; u < USERS; u += 1) {
      for (let a = 0; a < AUTHS_PER_USER; a += 1) {
        const auth = { authentication_name: `CRM ${u}.${a}`, service_name: 'crm', user_id: `user-${u}`, authId: `auth-${u}-${a}`, external_user_id: `ext-${u}` };
        expect((await enqueueExpiredAuth(queues, auth, windowMs)).status).toBe('accepted');
      }
    }

    await world.smtp.waitFor(NOTIFICATIONS, 45_000);
    // The log line follows SMTP's answer; wait for every process to have written its lines.
    const deadline = Date.now() + 10_000;
    const sentLines = () =>
      notifiers.flatMap((c) => c.lines.filter(sent).map((l) => ({ child: c.pid, pid: l.pid, jobId: String(l.jobId), notificationId: String(l.notificationId) })));
    while (sentLines().length < NOTIFICATIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const lines = sentLines();

    // (a) the work spread: more than one process sent emails, and only notify processes did.
    const perProcess = new Map<number, number>();
    for (const line of lines) perProcess.set(line.child, (perProcess.get(line.child) ?? 0) + 1);
    expect(perProcess.size).toBeGreaterThan(1);
    expect(lines.every((l) => l.pid === l.child)).toBe(true);
    expect(feeder.lines.filter(sent)).toEqual([]);

    // (b) nothing twice: one email per notification (counted once every log line is in), one
    // sending process per job ...
    const emails = world.smtp.messages;
    expect(emails).toHaveLength(NOTIFICATIONS);
    expect(new Set(emails.map((m) => m.messageId)).size).toBe(NOTIFICATIONS);
    expect(lines).toHaveLength(NOTIFICATIONS);
    expect(new Set(lines.map((l) => l.jobId)).size).toBe(NOTIFICATIONS);
    expect(new Set(emails.map((m) => m.messageId))).toEqual(new Set(lines.map((l) => `<${l.notificationId}@reauth>`)));
    // ... and no job was ever started a second time (by another process after a stall, say).
    const jobs = await queues.get('notify').getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
    expect(jobs).toHaveLength(NOTIFICATIONS);
    expect(jobs.map((j) => ({ id: j.id, started: j.attemptsStarted, outcome: (j.returnvalue as { outcome?: string } | null)?.outcome }))).toEqual(
      jobs.map((j) => ({ id: j.id, started: 1, outcome: 'sent' })),
    );
  });
});
