import { describe, expect, it } from '@jest/globals';
import { addAuth, addUser, deliverWebhook, eventually, type HttpProxy } from '@reauth/chaos';
import { reliabilityFixture } from './fixture.js';

const fixture = reliabilityFixture();

/** Tray's rate-limit answer as documented: HTTP 200 with a GraphQL error. */
const trayRateLimitBody = JSON.stringify({
  data: null,
  errors: [{ message: 'Rate limit exceeded', path: ['authorize'], extensions: { name: 'PreconditionError', code: 'access_not_allowed' } }],
});

/** Two worker processes behind a recording proxy in front of the fake Tray; JOB_ATTEMPTS as given. */
async function setUp(attempts: number) {
  const world = await fixture.world();
  const proxy = await fixture.proxy(world.tray.dialogUrl);
  const env = { TRAY_GRAPHQL_URL: `${proxy.origin}/graphql`, JOB_ATTEMPTS: String(attempts) };
  const processes = [fixture.start(world, ['ingress', 'token-lookup'], env), fixture.start(world, ['token-lookup', 'instance-mapping', 'notify'], env)];
  await Promise.all(processes.map((p) => p.ready));
  return { world, proxy };
}

const authorizeCalls = (p: HttpProxy) => p.exchanges.filter((e) => e.requestBody.includes('mutation Authorize'));

describe('Tray rate-limit answers', () => {
  it('park the job without spending an attempt: more rate-limit answers than attempts still end in one email', async () => {
    const { world, proxy } = await setUp(2);
    proxy.answerNext(4, { status: 200, body: trayRateLimitBody });
    const auth = addAuth(world, addUser(world));
    const { id } = await deliverWebhook(world.webhookUrl(), auth.webhook);

    const job = await eventually('the token-lookup job to complete', async () => {
      const found = await world.queues.get('token-lookup').getJob(id);
      return found?.finishedOn && (await found.getState()) === 'completed' ? found : undefined;
    }, 30_000);
    await eventually('the email', async () => world.smtp.messages.length === 1, 30_000);
    expect(authorizeCalls(proxy).map((e) => e.responseBody === trayRateLimitBody)).toEqual([true, true, true, true, false]);
    // Four rate-limit answers and JOB_ATTEMPTS=2, yet no failed attempt was recorded.
    expect(job!.stacktrace).toEqual([]);
    expect(job!.failedReason).toBeUndefined();
    expect(await world.queues.get('dead-letter').count()).toBe(0);
  });

  it("honour Retry-After across processes: no process calls Tray again before it has passed", async () => {
    const { world, proxy } = await setUp(8);
    proxy.answerNext(1, { status: 429, headers: { 'retry-after': '3' }, body: '{"errors":[{"message":"Rate limit exceeded"}]}' });
    const auth = addAuth(world, addUser(world));
    await deliverWebhook(world.webhookUrl(), auth.webhook);
    await eventually('the email', async () => world.smtp.messages.length === 1, 30_000);

    const [limited, next] = proxy.exchanges;
    expect(limited?.status).toBe(429);
    // Both processes consume token-lookup; without a queue-wide pause the other one retries at once.
    // The lower bound is what is being asserted; a slow machine only makes the gap longer.
    expect(next!.at - limited!.answeredAt).toBeGreaterThanOrEqual(2_500);
    const job = await world.queues.get('token-lookup').getJob(world.smtp.messages[0]!.messageId!.slice(1, -'@reauth>'.length));
    expect(job?.stacktrace).toEqual([]);
  });
});
