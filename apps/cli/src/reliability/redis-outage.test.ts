import { describe, expect, it } from '@jest/globals';
import { addAuth, addUser, deliverWebhook, eventually, type World } from '@reauth/chaos';
import { ENQUEUE_TIMEOUT_MS } from '@reauth/ingress';
import { waitForReady } from '@reauth/testkit';
import { reliabilityFixture } from './fixture.js';

const workerRoles = ['token-lookup', 'instance-mapping', 'notify'];

const fixture = reliabilityFixture();
let world: World | undefined;
const start = (roles: string[], env: Record<string, string> = {}) => fixture.start(world!, roles, env);

async function post(body: unknown): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(world!.webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  await res.text();
  return { status: res.status, ms: Date.now() - started };
}

// The route waits for a (re)connecting Redis up to the enqueue timeout, then answers; the rest is a loaded machine's slack.
const ANSWER_WITHIN_MS = ENQUEUE_TIMEOUT_MS + 1_000;

const mailsTo = (address: string | undefined) => world!.smtp.messages.filter((m) => address && m.to.includes(address));

describe('Redis outage', () => {
  it('an ingress started while Redis is down comes up, answers 503 within the enqueue timeout, and recovers without a restart once Redis is back', async () => {
    world = await fixture.world();
    await world.redis.stop();
    start(['ingress']);
    // Never ready without Redis; it listens after its bounded startup wait.
    await waitForReady(`${world.ingressUrl}/healthz`, 30_000);
    const auth = addAuth(world, addUser(world));

    // Several in a row: none may hang on a connection that has never been ready.
    for (let i = 0; i < 3; i += 1) {
      const answer = await post(auth.webhook);
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    }
    expect((await fetch(`${world.ingressUrl}/readyz`)).status).toBe(503);

    await world.redis.restart();
    const delivery = await deliverWebhook(world.webhookUrl(), auth.webhook, { deadlineMs: 20_000 });
    // An attempt answered 503 on a slow reconnect may still have landed: then this is its duplicate.
    expect(['accepted', 'duplicate']).toContain(delivery.status);
    expect(await world.queues.get('token-lookup').getJob(delivery.id)).toBeDefined();
    expect(await world.queues.get('token-lookup').count()).toBe(1);
  });

  it('a running ingress answers 503 within the enqueue timeout while Redis is down; workers reconnect and resume by themselves afterwards', async () => {
    world = await fixture.world();
    const ingress = start(['ingress']);
    const workers = start(workerRoles);
    await Promise.all([ingress.ready, workers.ready]);

    const before = addAuth(world, addUser(world));
    await deliverWebhook(world.webhookUrl(), before.webhook);
    await eventually('the email sent before the outage', async () => mailsTo(before.user.email).length === 1);

    await world.redis.stop();
    const during = addAuth(world, addUser(world));
    const answer = await post(during.webhook);
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // Longer than the workers' blocking waits and several reconnect attempts.
    await new Promise((r) => setTimeout(r, 4_000));
    await world.redis.restart();

    // The same processes, never restarted: the intake retried like Tray and the workers picked it up.
    // The add that was in flight as Redis stopped may have landed after all (Redis ran it before it
    // stopped, or ioredis resent it on reconnect): the retry is then its duplicate. Either way the
    // 503 lost nothing and one email goes out (below).
    const after = await deliverWebhook(world.webhookUrl(), during.webhook, { deadlineMs: 20_000 });
    expect(['accepted', 'duplicate']).toContain(after.status);
    await eventually('the email of the webhook sent during the outage', async () => mailsTo(during.user.email).length === 1, 30_000);
    const later = addAuth(world, addUser(world));
    await deliverWebhook(world.webhookUrl(), later.webhook);
    await eventually('an email for a webhook sent after the outage', async () => mailsTo(later.user.email).length === 1, 30_000);
    expect(ingress.running && workers.running).toBe(true);
    expect(world.smtp.messages).toHaveLength(3);
  });

  it.each([
    ['stopped cleanly', false],
    ['killed with SIGKILL', true],
  ])('with AOF on, every accepted webhook survives Redis being %s and restarted', async (_how, hard) => {
    world = await fixture.world();
    // No workers: accepted webhooks stay in Redis as waiting jobs, where the restart must find them.
    const ingress = start(['ingress']);
    await ingress.ready;
    const user = addUser(world);
    const ids: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const delivery = await deliverWebhook(world.webhookUrl(), addAuth(world, user).webhook);
      expect(delivery.status).toBe('accepted');
      ids.push(delivery.id);
    }
    // Right after the last 200: with appendfsync everysec the write is in the OS, not yet fsynced.
    await world.redis.stop(hard);
    await world.redis.restart();

    const queue = world.queues.get('token-lookup');
    const found = await eventually('Redis to answer again', async () => Promise.all(ids.map((id) => queue.getJob(id))));
    expect(found.filter((job) => job === undefined)).toHaveLength(0);
    expect(await queue.getJobCountByTypes('waiting')).toBe(ids.length);
  });
});
