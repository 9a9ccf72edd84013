import { describe, expect, it } from '@jest/globals';
import { addAuth, addUser, deliverWebhook, eventually, type World } from '@reauth/chaos';
import { sendJobId } from '@reauth/notification';
import { reliabilityFixture } from './fixture.js';

const fixture = reliabilityFixture();
let world: World | undefined;
const start = (roles: string[], env: Record<string, string> = {}) => fixture.start(world!, roles, env);

/** A Tray stage's job has the notification's id; notify's is its first notice's. */
const jobIdIn = (queue: string, id: string) => (queue === 'notify' ? sendJobId(id, 0) : id);

const finished = (queue: 'token-lookup' | 'instance-mapping' | 'notify', id: string) =>
  eventually(`${queue} job ${id} to complete`, async () => {
    const job = await world!.queues.get(queue).getJob(jobIdIn(queue, id));
    // finishedOn comes from the same read as returnvalue: a job read just before it completed has neither.
    return job?.finishedOn && (await job.getState()) === 'completed' ? job : undefined;
  }, 30_000);

describe('crash recovery', () => {
  it.each([
    ['notify', 'contacts'],
    ['instance-mapping', 'tray'],
  ] as const)('a %s worker SIGKILLed mid-job: another process takes the job over and one email goes out', async (role, upstream) => {
    world = await fixture.world();
    const proxy = await fixture.proxy(upstream === 'tray' ? world.tray.dialogUrl : new URL(world.contacts.urlTemplate).origin);
    const through: Record<string, string> = upstream === 'tray' ? { TRAY_GRAPHQL_URL: `${proxy.origin}/graphql` } : { CONTACTS_URL: `${proxy.origin}/contacts/{external_user_id}` };
    const rest = ['ingress', 'token-lookup', 'instance-mapping', 'notify'].filter((r) => r !== role);
    const [front, victim] = [start(rest, through), start([role], through)];
    await Promise.all([front.ready, victim.ready]);

    // Killed the moment its call reaches the upstream: the job is active, its lock held by a dead process.
    const victimCalls = ({ body }: { body: string }) => upstream === 'contacts' || body.includes('ListSolutionInstances');
    let killed: Promise<unknown> | undefined;
    proxy.onRequest = (request) => {
      if (!killed && victimCalls(request)) killed = victim.kill();
    };
    const auth = addAuth(world, addUser(world));
    const { id } = await deliverWebhook(world.webhookUrl(), auth.webhook);
    await eventually('the victim to be killed mid-job', async () => killed);
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await (await world.queues.get(role).getJob(jobIdIn(role, id)))?.getState()).toBe('active');

    const successor = start([role], through);
    await successor.ready;
    const job = await finished(role, id);
    await eventually('the email', async () => world!.smtp.messages.length === 1);
    // Taken over by stalled-job recovery; the crash cost no attempt and left no error behind.
    expect(job!.stalledCounter).toBe(1);
    expect(job!.stacktrace).toEqual([]);
    expect(world.smtp.messages.map((m) => m.messageId)).toEqual([`<${id}@reauth>`]);
    expect(await world.queues.get('dead-letter').count()).toBe(0);
  });

  it('a re-delivered notify job for a notification already sent sends nothing', async () => {
    world = await fixture.world();
    const all = start(['ingress', 'token-lookup', 'instance-mapping', 'notify']);
    await all.ready;
    const { id } = await deliverWebhook(world.webhookUrl(), addAuth(world, addUser(world)).webhook);
    const original = await finished('notify', id);
    await eventually('the email', async () => world!.smtp.messages.length === 1);

    // The same notification arriving again at notify under another job id (a replay, a re-run stage).
    await world.queues.get('notify').add('notification.send', original!.data, { jobId: `${id}.again` });
    const again = await eventually('the re-delivered job to complete', async () => {
      const job = await world!.queues.get('notify').getJob(`${id}.again`);
      return job?.finishedOn && (await job.getState()) === 'completed' ? job : undefined;
    });
    expect(again!.returnvalue).toEqual({ outcome: 'already-sent' });
    expect(world.smtp.messages).toHaveLength(1);
  });
});
