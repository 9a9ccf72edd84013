import { beforeEach, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { addAuth, addUser, deliverWebhook, eventually, type HttpProxy, type World } from '@reauth/chaos';
import { reliabilityFixture } from './fixture.js';

const fixture = reliabilityFixture();
let world: World | undefined;
let proxy: HttpProxy | undefined;
beforeEach(() => {
  proxy = undefined;
});
const start = (roles: string[], env: Record<string, string> = {}) =>
  fixture.start(world!, roles, { ...(proxy ? { TRAY_GRAPHQL_URL: `${proxy.origin}/graphql` } : {}), ...env });

/** Accepted webhooks whose token-lookup job is in the middle of a (slowed) Tray call. */
async function jobsInFlight(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push((await deliverWebhook(world!.webhookUrl(), addAuth(world!, addUser(world!)).webhook)).id);
  await eventually(`${count} Tray calls in flight`, async () => proxy!.inFlight === count);
  return ids;
}

const states = (ids: string[]) => Promise.all(ids.map(async (id) => (await world!.queues.get('token-lookup').getJob(id))?.getState()));

describe('graceful shutdown of a real process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s a worker finishes its active jobs and exits 0 (exit follows closing every connection)', async (signal) => {
    world = await fixture.world();
    proxy = await fixture.proxy(world.tray.dialogUrl);
    proxy.delayMs = 1_500;
    const [ingress, worker] = [start(['ingress']), start(['token-lookup'], { SHUTDOWN_TIMEOUT_MS: '20000' })];
    await Promise.all([ingress.ready, worker.ready]);
    const ids = await jobsInFlight(3);

    const exit = await worker.stop(signal);
    expect(exit).toEqual({ code: 0, signal: null });
    // Finished before the exit, not handed to anyone: each job completed and handed over to mapping.
    expect(await states(ids)).toEqual(['completed', 'completed', 'completed']);
    expect(await Promise.all(ids.map(async (id) => (await world!.queues.get('instance-mapping').getJob(id)) !== undefined))).toEqual([true, true, true]);
  });

  it('a worker past SHUTDOWN_TIMEOUT_MS exits 0 and hands its active jobs back; another process finishes them, one email each', async () => {
    world = await fixture.world();
    proxy = await fixture.proxy(world.tray.dialogUrl);
    proxy.delayMs = 30_000;
    const [ingress, slow] = [start(['ingress']), start(['token-lookup'], { SHUTDOWN_TIMEOUT_MS: '300' })];
    await Promise.all([ingress.ready, slow.ready]);
    const ids = await jobsInFlight(2);

    expect(await slow.stop()).toEqual({ code: 0, signal: null });
    expect(await states(ids)).toEqual(['active', 'active']);

    proxy.delayMs = 0;
    const rest = start(['token-lookup', 'instance-mapping', 'notify']);
    await rest.ready;
    await eventually('both emails', async () => world!.smtp.messages.length === 2, 30_000);
    expect(await states(ids)).toEqual(['completed', 'completed']);
    const jobs = await Promise.all(ids.map((id) => world!.queues.get('token-lookup').getJob(id)));
    // Recovered by the stalled-job check, not by a retry: no attempt spent, no error recorded.
    expect(jobs.map((j) => [j?.stalledCounter, j?.stacktrace])).toEqual([[1, []], [1, []]]);
    expect(new Set(world.smtp.messages.map((m) => m.messageId)).size).toBe(2);
  });

  it('the ingress finishes a request in flight, takes no new ones, and exits 0', async () => {
    world = await fixture.world();
    const ingress = start(['ingress']);
    await ingress.ready;
    const body = JSON.stringify(addAuth(world, addUser(world)).webhook);
    const split = Math.floor(body.length / 2);

    const socket: Socket = connect(world.ingressPort, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8').on('data', (s: string) => (answer += s));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /webhooks/tray/expired-auth?token=${world.secrets.webhookToken} HTTP/1.1\r\nHost: reauth\r\nConnection: close\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, split)}`,
    );
    // Answered after the half-sent request was read (the server reads sockets in arrival order).
    expect((await fetch(`${world.ingressUrl}/healthz`)).status).toBe(200);

    const exited = ingress.stop();
    // New requests are refused once SIGTERM is handled; the half-sent one is still being read.
    await eventually('new connections to be refused', async () => {
      const res = await fetch(`${world!.ingressUrl}/healthz`).catch(() => undefined);
      return res === undefined || res.status === 503;
    }, 10_000);
    expect(ingress.running).toBe(true);

    socket.write(body.slice(split));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    const id = (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { status: string; id: string });
    expect(id.status).toBe('accepted');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(await world.queues.get('token-lookup').getJob(id.id)).toBeDefined();
  });
});
