import { describe, expect, it } from '@jest/globals';
import { listDeadLetters, type DeadLetterView } from '@reauth/queues';
import {
  addAuth,
  addUser,
  deliverWebhook,
  eventually,
  runReauthCommand,
  type World,
} from '@reauth/chaos';
import { sendJobId } from '@reauth/notification';
import { reliabilityFixture } from './fixture.js';

const fixture = reliabilityFixture();
let world: World | undefined;
const start = (roles: string[]) => fixture.start(world!, roles);

const entries = () => listDeadLetters(world!.queues);
/** The entry of a notification's failed job: a Tray stage's, or its first notice's send. */
const entryFor = (id: string) =>
  eventually(`a dead-letter entry for ${id}`, async () => (await entries()).find((e) => e.jobId === id || e.jobId === sendJobId(id, 0)));
const reauth = (...args: string[]) => runReauthCommand(args, { REDIS_URL: world!.env.REDIS_URL!, LOG_LEVEL: 'silent' });

describe('dead-letter queue', () => {
  it('a final failure whose copy was lost in a crash is copied by the next worker start, once', async () => {
    world = await fixture.world();
    const first = start(['ingress', 'token-lookup', 'instance-mapping', 'notify']);
    await first.ready;
    const { id } = await deliverWebhook(world.webhookUrl(), addAuth(world, addUser(world, { contact: false })).webhook);
    const copied = await entryFor(id);
    await first.kill();

    // The state a crash between "job failed" and "copied" leaves: a failed job, no entry.
    await (await world.queues.get('dead-letter').getJob(copied.id))!.remove();
    expect(await (await world.queues.get('notify').getJob(sendJobId(id, 0)))?.getState()).toBe('failed');
    expect(await entries()).toEqual([]);

    const next = start(['notify']);
    await next.ready;
    const restored = await entryFor(id);
    expect(restored).toEqual({ ...copied, failedAt: restored.failedAt });
    expect(restored).toMatchObject({ sourceQueue: 'notify', jobName: 'notification.send', attempts: 1, reason: 'no contact found for the external user id' });
    expect(restored.stack[0]).toContain('PermanentError');
    // The line is written before /readyz turns 200, but reaches this process through a pipe.
    await eventually('the copy to be logged', async () => next.output.some((l) => l.includes('"copied":1')));

    const again = start(['notify']);
    await again.ready;
    expect(again.output.some((l) => l.includes('"copied"'))).toBe(false);
    expect(await entries()).toHaveLength(1);
  });

  it('a worker stopped with SIGTERM while its job is failing for good dead-letters it before exiting', async () => {
    world = await fixture.world();
    const contacts = await fixture.proxy(new URL(world.contacts.urlTemplate).origin);
    const [front, notify] = [start(['ingress', 'token-lookup', 'instance-mapping']), fixture.start(world, ['notify'], { CONTACTS_URL: `${contacts.origin}/contacts/{external_user_id}` })];
    await Promise.all([front.ready, notify.ready]);
    // SIGTERM lands while the contact lookup (about to answer 404, a permanent failure) is in flight.
    let stopped: Promise<unknown> | undefined;
    contacts.onRequest = () => {
      stopped ??= notify.stop();
    };
    const { id } = await deliverWebhook(world.webhookUrl(), addAuth(world, addUser(world, { contact: false })).webhook);
    await eventually('the SIGTERM', async () => stopped);
    expect(await stopped).toEqual({ code: 0, signal: null });
    await contacts.close();
    expect(await (await world.queues.get('notify').getJob(sendJobId(id, 0)))?.getState()).toBe('failed');
    expect((await entries()).map((e) => e.jobId)).toEqual([sendJobId(id, 0)]);
  });

  it('`reauth dlq` lists, shows, replays one or all, and purges, as a real process', async () => {
    world = await fixture.world();
    const all = start(['ingress', 'token-lookup', 'instance-mapping', 'notify']);
    await all.ready;
    const [noContactA, noContactB] = [addUser(world, { contact: false }), addUser(world, { contact: false })];
    const unknown = addUser(world, { inTray: false });
    const ids: string[] = [];
    for (const user of [noContactA, noContactB, unknown]) ids.push((await deliverWebhook(world.webhookUrl(), addAuth(world, user).webhook)).id);
    const [a, b, c] = (await Promise.all(ids.map(entryFor))) as [DeadLetterView, DeadLetterView, DeadLetterView];
    expect(c).toMatchObject({ sourceQueue: 'token-lookup', reason: 'Tray authorize: the user does not exist' });

    const listed = await reauth('dlq', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('3 dead-letter entries');
    for (const e of [a, b, c]) expect(listed.stdout).toContain(`${e.id}\t`);
    expect(JSON.parse((await reauth('dlq', 'list', '--json')).stdout)).toHaveLength(3);

    const shown = await reauth('dlq', 'show', a.id);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(a);
    expect((await reauth('dlq', 'show', 'notify.nope')).code).toBe(1);

    // The directory learns A's address; replaying A now reaches them, under a fresh job id.
    world.contacts.set(noContactA.externalUserId, { email: 'a@customer.test' });
    const replayed = await reauth('dlq', 'replay', a.id);
    expect(replayed.code).toBe(0);
    const replayJobId = /-> (\S+)/.exec(replayed.stdout)?.[1];
    expect(replayJobId).toMatch(new RegExp(`^${a.jobId.replace(/[.]/g, '\\.')}\\.replay-\\d+$`));
    await eventually('the replayed email', async () => world!.smtp.messages.some((m) => m.to.includes('a@customer.test')));
    expect(JSON.parse((await reauth('dlq', 'show', a.id)).stdout)).toMatchObject({ replayJobId, replayedAt: expect.any(Number) });

    // --all replays only the open entries: B succeeds now, the unknown Tray user fails again.
    world.contacts.set(noContactB.externalUserId, { email: 'b@customer.test' });
    const replayAll = await reauth('dlq', 'replay', '--all');
    expect(replayAll.stdout.trim().split('\n').map((l) => l.split(' -> ')[0]).sort()).toEqual([b.id, c.id].sort());
    await eventually('the second replayed email', async () => world!.smtp.messages.some((m) => m.to.includes('b@customer.test')));
    await eventually('the failed replay to be dead-lettered', async () => (await entries()).length === 4);
    expect(world.smtp.messages).toHaveLength(2);

    const purged = await reauth('dlq', 'purge');
    expect(purged).toMatchObject({ code: 0, stdout: 'dead-letter queue purged\n' });
    expect((await reauth('dlq', 'list')).stdout).toBe('0 dead-letter entries\n');
  });
});
