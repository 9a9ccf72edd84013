import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PermanentError, RateLimitedError, TransientError } from '@reauth/queues';
import { startFakeTray, type FakeTray } from '@reauth/testkit';
import { createTrayClient } from './client.js';
import { UserTokenRejectedError } from './errors.js';
import { unlimitedBudget } from '@reauth/rate-budget';

const masterToken = 'master-secret-token-value';
let tray: FakeTray;

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  tray = await startFakeTray({ masterToken, embeddedId: 'acme', rateLimit: { rps: 1000, burst: 1000, status: 429 } });
  tray.addUser({ id: 'u1', externalUserId: 'e1', name: 'U1' });
  for (let i = 0; i < 5; i++) tray.addInstance({ id: `si${i}`, name: `I${i}`, owner: 'u1', authValues: [{ externalId: 'slot', authId: `a${i}` }] });
});
afterAll(() => tray.close());

const client = (token = masterToken) => createTrayClient({ graphqlUrl: tray.url, masterToken: token, budget: unlimitedBudget, pageSize: 2 });

describe('Tray client against the fake Tray', () => {
  it('mints a user token and pages through every instance', async () => {
    const userToken = await client().authorize('u1');
    const instances = await client().listSolutionInstances(userToken);
    expect(instances.map((i) => i.id)).toEqual(['si0', 'si1', 'si2', 'si3', 'si4']);
  });

  it('maps failures to permanent, transient and rate-limited errors without leaking tokens', async () => {
    const badMaster = await caught(client('not-the-master-token').authorize('u1'));
    expect(badMaster).toBeInstanceOf(PermanentError);
    expect(badMaster.message).not.toContain('not-the-master-token');

    const unknownUser = await caught(client().authorize('nobody'));
    expect(unknownUser).toBeInstanceOf(PermanentError);
    expect((unknownUser as PermanentError).reason).toBe('user_does_not_exist');

    tray.failNext(1, 503);
    expect(await caught(client().generateAuthorizationCode('u1'))).toBeInstanceOf(TransientError);

    tray.rateLimitNext(1);
    const limited = await caught(client().authorize('u1'));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(1000);

    const userToken = await client().authorize('u1');
    tray.revokeUserTokens('u1');
    const revoked = await caught(client().listSolutionInstances(userToken));
    expect(revoked).toBeInstanceOf(UserTokenRejectedError);
    expect(revoked.message).not.toContain(userToken);
  });

  it('treats an unreachable Tray as transient', async () => {
    const dead = createTrayClient({ graphqlUrl: 'http://127.0.0.1:1/graphql', masterToken, budget: unlimitedBudget });
    expect(await caught(dead.authorize('u1'))).toBeInstanceOf(TransientError);
  });
});
