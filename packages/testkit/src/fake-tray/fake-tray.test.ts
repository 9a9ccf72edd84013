import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { buildSchema, parse, validate } from 'graphql';
import { startFakeTray, traySdl, type FakeTray, type FakeTrayOptions } from './index.js';

const MASTER = 'master-token';
const EMBEDDED_ID = 'acme';

/** Exactly what the production Tray client sends. */
const AUTHORIZE = 'mutation Authorize($userId: ID!) { authorize(input: { userId: $userId }) { accessToken } }';
const GENERATE_CODE =
  'mutation GenerateAuthorizationCode($userId: ID!) { generateAuthorizationCode(input: { userId: $userId }) { authorizationCode } }';
const LIST_INSTANCES =
  'query ListSolutionInstances($first: Int!, $after: String) { viewer { solutionInstances(first: $first, after: $after) { edges { node { id name enabled authValues { externalId authId } } cursor } pageInfo { hasNextPage endCursor } } } }';

interface Answer {
  status: number;
  headers: Headers;
  /** Inspected ad hoc; typing every response shape would only restate the SDL. */
  body: any;
}

async function post(
  fake: FakeTray,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const res = await fetch(fake.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function userToken(fake: FakeTray, userId: string): Promise<string> {
  const { status, body } = await post(fake, MASTER, AUTHORIZE, { userId });
  expect(status).toBe(200);
  return body.data.authorize.accessToken as string;
}

async function code(fake: FakeTray, userId: string): Promise<string> {
  const { body } = await post(fake, MASTER, GENERATE_CODE, { userId });
  return body.data.generateAuthorizationCode.authorizationCode as string;
}

async function visit(fake: FakeTray, path: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${fake.dialogUrl}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function start(options: Partial<FakeTrayOptions> = {}): Promise<FakeTray> {
  const fake = await startFakeTray({ masterToken: MASTER, embeddedId: EMBEDDED_ID, rateLimit: false, ...options });
  fake.addUser({ id: 'u1', externalUserId: 'ext-1', name: 'Ada' });
  fake.addUser({ id: 'u2', externalUserId: 'ext-2', name: 'Bob' });
  for (let i = 1; i <= 5; i += 1) {
    fake.addInstance({
      id: `si-${i}`,
      name: `Instance ${i}`,
      owner: 'u1',
      enabled: i !== 2,
      solutionId: i <= 2 ? 'sol-x' : 'sol-y',
      authValues: [{ externalId: 'external_slack_authentication', authId: i % 2 === 1 ? 'auth-a' : 'auth-c' }],
    });
  }
  fake.addInstance({
    id: 'si-6',
    name: 'Bob instance',
    owner: 'u2',
    authValues: [{ externalId: 'external_trello_authentication', authId: 'auth-b' }],
  });
  return fake;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('traySdl', () => {
  const schema = buildSchema(traySdl);

  it.each([
    ['Authorize', AUTHORIZE],
    ['GenerateAuthorizationCode', GENERATE_CODE],
    ['ListSolutionInstances', LIST_INSTANCES],
  ])('accepts the production %s document', (_name, document) => {
    expect(validate(schema, parse(document))).toEqual([]);
  });

  it.each([
    ['[next] getUser', 'query getUser($externalUserId: String!) { users(criteria:{ externalUserId: $externalUserId}) { edges { node { id name externalUserId } } } }'],
    ['[next] createExternalUser', 'mutation createExternalUser($externalUserId: String!, $name: String!) { createExternalUser(input:{ externalUserId: $externalUserId, name: $name }) { userId } }'],
    ['[docs-mapping] instances and auths', 'query { viewer { solutionInstances { edges { node { id name authValues { authId externalId } } } } authentications { edges { node { id name } } } } }'],
    ['§2.5 ListInstancesForAuth', 'query ListInstancesForAuth($ownerId: String!, $first: Int!, $after: String) { viewer { solutionInstances(criteria: { owner: $ownerId }, first: $first, after: $after) { edges { node { id name enabled owner authValues { externalId authId } } cursor } pageInfo { hasNextPage endCursor } totalCount } } }'],
    ['[docs-newauth] code with clientMutationId', 'mutation { generateAuthorizationCode(input: { userId: "x" }) { authorizationCode clientMutationId } }'],
  ])('accepts the reference document %s', (_name, document) => {
    expect(validate(schema, parse(document))).toEqual([]);
  });

  it('rejects fields the reference does not give', () => {
    expect(validate(schema, parse('{ viewer { solutionInstances { edges { node { id expiresAt } } } } }'))).toHaveLength(1);
  });
});

describe('fake Tray GraphQL API', () => {
  let fake: FakeTray;
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('issues user tokens that list only that user’s instances', async () => {
    const token = await userToken(fake, 'u2');
    const { status, body } = await post(fake, token, LIST_INSTANCES, { first: 10 });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        viewer: {
          solutionInstances: {
            edges: [
              {
                node: {
                  id: 'si-6',
                  name: 'Bob instance',
                  enabled: true,
                  authValues: [{ externalId: 'external_trello_authentication', authId: 'auth-b' }],
                },
                cursor: expect.any(String),
              },
            ],
            pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
          },
        },
      },
    });
    expect(fake.calls.map((c) => [c.operation, c.tokenKind, c.status])).toEqual([
      ['authorize', 'master', 200],
      ['viewer', 'user', 200],
    ]);
  });

  it('lets the master token list every instance, or one owner’s, or one solution’s', async () => {
    const ids = async (criteria: string): Promise<string[]> => {
      const { body } = await post(fake, MASTER, `{ viewer { solutionInstances${criteria} { edges { node { id owner } } totalCount } } }`);
      return body.data.viewer.solutionInstances.edges.map((e: { node: { id: string } }) => e.node.id);
    };
    expect(await ids('')).toEqual(['si-1', 'si-2', 'si-3', 'si-4', 'si-5', 'si-6']);
    expect(await ids('(criteria: { owner: "u2" })')).toEqual(['si-6']);
    expect(await ids('(criteria: { owner: "u1", solutionId: "sol-x" })')).toEqual(['si-1', 'si-2']);
  });

  it('refuses master-only operations to a user token with 403', async () => {
    const token = await userToken(fake, 'u1');
    for (const query of [AUTHORIZE, GENERATE_CODE, '{ users { edges { node { id } } } }']) {
      const { status, body } = await post(fake, token, query, { userId: 'u1' });
      expect(status).toBe(403);
      expect(body.data).toBeNull();
      expect(body.errors[0].extensions).toEqual({ name: 'PreconditionError', code: 'access_not_allowed' });
    }
    expect(fake.codesIssued).toBe(0);
  });

  it('refuses criteria.owner with a user token', async () => {
    const token = await userToken(fake, 'u1');
    const { status, body } = await post(fake, token, '{ viewer { solutionInstances(criteria: { owner: "u2" }) { totalCount } } }');
    expect(status).toBe(403);
    expect(body.data).toBeNull();
    expect(body.errors[0]).toMatchObject({
      path: ['viewer', 'solutionInstances'],
      extensions: { name: 'PreconditionError', code: 'access_not_allowed' },
    });
  });

  it('answers a document that does not validate with 400 and a located GraphQLError', async () => {
    const { status, body } = await post(fake, MASTER, '{\n  viewer {\n    solutionInstances { expiresAt }\n  }\n}');
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: 'Cannot query field "expiresAt" on type "SolutionInstanceConnection".',
        locations: [{ line: 3, column: 25 }],
        extensions: { name: 'GraphQLError' },
      },
    ]);
  });

  it('answers syntax errors and missing variables with 400', async () => {
    expect((await post(fake, MASTER, '{ viewer { ')).status).toBe(400);
    const missing = await post(fake, MASTER, LIST_INSTANCES, {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].extensions.name).toBe('GraphQLError');
  });

  it('pages with first/after over three pages', async () => {
    const token = await userToken(fake, 'u1');
    const pages: Array<{ ids: string[]; hasNextPage: boolean }> = [];
    let after: string | null = null;
    do {
      const { body } = await post(fake, token, LIST_INSTANCES, { first: 2, after });
      const connection = body.data.viewer.solutionInstances;
      pages.push({ ids: connection.edges.map((e: { node: { id: string } }) => e.node.id), hasNextPage: connection.pageInfo.hasNextPage });
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1).cursor);
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after !== null);
    expect(pages).toEqual([
      { ids: ['si-1', 'si-2'], hasNextPage: true },
      { ids: ['si-3', 'si-4'], hasNextPage: true },
      { ids: ['si-5'], hasNextPage: false },
    ]);
  });

  it('rejects page sizes outside 1..maxPageSize and foreign cursors', async () => {
    for (const variables of [{ first: 0 }, { first: 101 }, { first: 2, after: 'bm90LWEtY3Vyc29y' }]) {
      const { status, body } = await post(fake, MASTER, LIST_INSTANCES, variables);
      expect(status).toBe(200);
      expect(body.data).toBeNull();
      expect(body.errors[0].extensions).toEqual({ name: 'GraphQLError' });
    }
    const { body } = await post(fake, MASTER, LIST_INSTANCES, { first: 100 });
    expect(body.data.viewer.solutionInstances.edges).toHaveLength(6);
  });

  it('answers user_does_not_exist for unknown users', async () => {
    for (const [query, field] of [
      [AUTHORIZE, 'authorize'],
      [GENERATE_CODE, 'generateAuthorizationCode'],
    ] as const) {
      const { status, body } = await post(fake, MASTER, query, { userId: 'nobody' });
      expect(status).toBe(200);
      expect(body).toEqual({
        data: null,
        errors: [
          {
            message: 'User does not exist',
            locations: [expect.any(Object)],
            path: [field],
            extensions: { name: 'PreconditionError', code: 'user_does_not_exist' },
          },
        ],
      });
    }
  });

  it('mints 40-hex codes and counts them', async () => {
    expect(await code(fake, 'u1')).toMatch(/^[0-9a-f]{40}$/);
    expect(fake.codesIssued).toBe(1);
  });

  it('creates external users that users(criteria) then finds, once', async () => {
    const create = 'mutation($e: String!) { createExternalUser(input: { externalUserId: $e, name: "Cy" }) { userId } }';
    const created = await post(fake, MASTER, create, { e: 'ext-3' });
    const userId = created.body.data.createExternalUser.userId as string;
    const found = await post(fake, MASTER, '{ users(criteria: { externalUserId: "ext-3" }) { edges { node { id name externalUserId } } } }');
    expect(found.body.data.users.edges).toEqual([{ node: { id: userId, name: 'Cy', externalUserId: 'ext-3' } }]);
    const again = await post(fake, MASTER, create, { e: 'ext-3' });
    expect(again.body.errors[0].extensions.code).toBe('user_already_exists');
  });

  it('lists a user’s authentications from the instances using them', async () => {
    const token = await userToken(fake, 'u1');
    const { body } = await post(fake, token, '{ viewer { authentications { edges { node { id } } } } }');
    expect(body.data.viewer.authentications.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['auth-a', 'auth-c']);
  });

  it('answers 401 without a token, with an unknown one, and with a revoked one', async () => {
    const u1 = await userToken(fake, 'u1');
    const u2 = await userToken(fake, 'u2');
    fake.revokeUserTokens('u1');
    for (const token of [undefined, 'made-up', u1]) {
      const { status, body } = await post(fake, token, LIST_INSTANCES, { first: 1 });
      expect(status).toBe(401);
      expect(body).toEqual({
        errors: [{ message: 'Unauthorized', extensions: { name: 'PreconditionError', code: 'access_not_allowed' } }],
      });
    }
    expect((await post(fake, u2, LIST_INSTANCES, { first: 1 })).status).toBe(200);
    fake.revokeUserTokens();
    expect((await post(fake, u2, LIST_INSTANCES, { first: 1 })).status).toBe(401);
    expect(fake.calls.at(-1)?.tokenKind).toBe('none');
  });

  it('answers 415 to a non-JSON content type, 400 to a malformed body, 405 to GET', async () => {
    const raw = (body: string, contentType: string) =>
      fetch(fake.url, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${MASTER}` }, body });
    expect((await raw(JSON.stringify({ query: '{ viewer { __typename } }' }), 'text/plain')).status).toBe(415);
    expect((await raw('{"query": ', 'application/json')).status).toBe(400);
    expect((await raw('{"variables": {}}', 'application/json')).status).toBe(400);
    expect((await raw('[]', 'application/json')).status).toBe(400);
    expect((await raw(JSON.stringify({ query: '{ viewer { __typename } }' }), 'application/json; charset=utf-8')).status).toBe(200);
    expect((await fetch(fake.url)).status).toBe(405);
  });

  it('fails the next n requests on demand, then recovers', async () => {
    fake.failNext(2);
    fake.failNext(1, 503);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { status, body } = await post(fake, MASTER, AUTHORIZE, { userId: 'u1' });
      statuses.push(status);
      if (status !== 200) {
        expect(body).toEqual({ errors: [{ message: 'Internal error', extensions: { name: 'InternalError', errorId: expect.any(String) } }] });
      }
    }
    expect(statuses).toEqual([500, 500, 503, 200]);
  });

  it('fails every request at failure rate 1', async () => {
    fake.setFailureRate(1);
    expect((await post(fake, MASTER, AUTHORIZE, { userId: 'u1' })).status).toBe(500);
    fake.setFailureRate(0);
    expect((await post(fake, MASTER, AUTHORIZE, { userId: 'u1' })).status).toBe(200);
  });

  it('forces rate-limit answers even with rate limiting off', async () => {
    fake.rateLimitNext(1);
    const limited = await post(fake, MASTER, AUTHORIZE, { userId: 'u1' });
    expect(limited.status).toBe(200);
    expect(limited.body.errors[0]).toMatchObject({ message: 'Rate limit exceeded', path: ['authorize'] });
    expect((await post(fake, MASTER, AUTHORIZE, { userId: 'u1' })).body.data.authorize.accessToken).toEqual(expect.any(String));
    expect(fake.rateLimitErrors).toBe(1);
  });

  it('reset() clears faults and counters but keeps data', async () => {
    await code(fake, 'u1');
    fake.rateLimitNext(1);
    await post(fake, MASTER, AUTHORIZE, { userId: 'u1' });
    fake.failNext(5);
    fake.rateLimitNext(5);
    fake.reset();
    expect([fake.calls.length, fake.codesIssued, fake.rateLimitErrors, fake.dialogVisits.length]).toEqual([0, 0, 0, 0]);
    const { status, body } = await post(fake, MASTER, '{ viewer { solutionInstances { totalCount } } }');
    expect(status).toBe(200);
    expect(body.data.viewer.solutionInstances.totalCount).toBe(6);
  });
});

describe('fake Tray rate limiting', () => {
  const fakes: FakeTray[] = [];
  afterAll(() => Promise.all(fakes.map((f) => f.close())));

  it('answers "Rate limit exceeded" in the documented shape once the burst is spent, then refills', async () => {
    const fake = await start({ rateLimit: { rps: 5, burst: 2 } });
    fakes.push(fake);
    const answers = await Promise.all([1, 2, 3].map(() => post(fake, MASTER, '{ users(first: 1) { totalCount } }')));
    const limited = answers.filter((a) => a.body.errors);
    expect(limited).toHaveLength(1);
    expect(limited[0]?.status).toBe(200);
    expect(limited[0]?.body).toEqual({
      data: null,
      errors: [
        {
          message: 'Rate limit exceeded',
          locations: [{ line: 1, column: 3 }],
          path: ['users'],
          extensions: { name: 'PreconditionError', code: 'access_not_allowed', time_thrown: expect.any(String) },
        },
      ],
    });
    expect(fake.rateLimitErrors).toBe(1);
    expect(fake.calls.filter((c) => c.rateLimited)).toHaveLength(1);
    await sleep(250);
    expect((await post(fake, MASTER, '{ users(first: 1) { totalCount } }')).body.errors).toBeUndefined();
  });

  it('can answer 429 with Retry-After', async () => {
    const fake = await start({ rateLimit: { rps: 1, burst: 1, status: 429 } });
    fakes.push(fake);
    await post(fake, MASTER, AUTHORIZE, { userId: 'u1' });
    const limited = await post(fake, MASTER, AUTHORIZE, { userId: 'u1' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.errors[0].message).toBe('Rate limit exceeded');
  });
});

describe('fake Tray dialog', () => {
  let fake: FakeTray;
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(() => fake.close());

  it('accepts a fresh code once on the edit-auth URL', async () => {
    const path = `/external/auth/edit/${EMBEDDED_ID}/auth-a?code=${await code(fake, 'u1')}`;
    const first = await visit(fake, path);
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^text\/html/);
    expect(first.text).toContain('Tray auth dialog (simulated): re-authenticate authentication auth-a');
    const second = await visit(fake, path);
    expect(second.status).toBe(401);
    expect(second.text).toContain('already used');
    expect(fake.dialogVisits.slice(-2)).toEqual([
      { path: `/external/auth/edit/${EMBEDDED_ID}/auth-a`, ok: true },
      { path: `/external/auth/edit/${EMBEDDED_ID}/auth-a`, ok: false, reason: 'Authorization code already used' },
    ]);
  });

  it('accepts the auth-only create URL and the Config Wizard URL', async () => {
    const create = await visit(fake, `/external/auth/create/${EMBEDDED_ID}/si-6/external_trello_authentication?code=${await code(fake, 'u2')}`);
    expect(create.status).toBe(200);
    const configure = await visit(fake, `/external/solutions/${EMBEDDED_ID}/configure/si-3?code=${await code(fake, 'u1')}`);
    expect(configure.status).toBe(200);
    expect(configure.text).toContain('re-authenticate solution instance Instance 3');
  });

  it('rejects a code minted for another user without consuming it', async () => {
    const bobs = await code(fake, 'u2');
    const wrong = await visit(fake, `/external/auth/edit/${EMBEDDED_ID}/auth-a?code=${bobs}`);
    expect(wrong).toMatchObject({ status: 401, text: 'Authorization code was issued for another user\n' });
    expect((await visit(fake, `/external/auth/edit/${EMBEDDED_ID}/auth-b?code=${bobs}`)).status).toBe(200);
  });

  it('rejects an expired code', async () => {
    const shortLived = await start({ codeTtlMs: 30 });
    try {
      const stale = await code(shortLived, 'u1');
      await sleep(60);
      const answer = await visit(shortLived, `/external/auth/edit/${EMBEDDED_ID}/auth-a?code=${stale}`);
      expect(answer).toMatchObject({ status: 401, text: 'Authorization code expired\n' });
    } finally {
      await shortLived.close();
    }
  });

  it('rejects wrong embedded ids, unknown targets, missing and unknown codes', async () => {
    const fresh = await code(fake, 'u1');
    const cases: Array<[string, number, string]> = [
      [`/external/auth/edit/other/auth-a?code=${fresh}`, 404, 'Unknown embedded id'],
      [`/external/auth/edit/${EMBEDDED_ID}/auth-zzz?code=${fresh}`, 404, 'Unknown authentication'],
      [`/external/auth/edit/${EMBEDDED_ID}/si-1/external_slack_authentication?code=${fresh}`, 404, 'Not found'],
      [`/external/auth/create/${EMBEDDED_ID}/si-1/no_such_slot?code=${fresh}`, 404, 'Unknown auth slot'],
      [`/external/solutions/${EMBEDDED_ID}/configure/si-404?code=${fresh}`, 404, 'Unknown solution instance'],
      [`/external/auth/edit/${EMBEDDED_ID}/auth-a`, 400, 'Missing code'],
      [`/external/auth/edit/${EMBEDDED_ID}/auth-a?code=${'0'.repeat(40)}`, 401, 'Invalid authorization code'],
    ];
    for (const [path, status, reason] of cases) {
      expect(await visit(fake, path)).toMatchObject({ status, text: `${reason}\n` });
    }
    // None of the refusals used the code up.
    expect((await visit(fake, `/external/auth/edit/${EMBEDDED_ID}/auth-a?code=${fresh}`)).status).toBe(200);
  });
});

describe('fake Tray user token expiry', () => {
  it('answers 401 once a user token outlives userTokenTtlMs', async () => {
    const fake = await start({ userTokenTtlMs: 50 });
    try {
      const token = await userToken(fake, 'u1');
      expect((await post(fake, token, LIST_INSTANCES, { first: 1 })).status).toBe(200);
      await sleep(80);
      expect((await post(fake, token, LIST_INSTANCES, { first: 1 })).status).toBe(401);
    } finally {
      await fake.close();
    }
  });
});

describe('fake Tray latencyMs', () => {
  it('holds a GraphQL answer until latencyMs has passed', async () => {
    const fake = await start({ latencyMs: 600_000 });
    try {
      const held = fetch(fake.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(200) });
      await expect(held).rejects.toThrow();
      expect(fake.calls).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it('answers as without it once the time has passed, and leaves the dialog alone', async () => {
    const fake = await start({ latencyMs: 5 });
    try {
      const issued = await code(fake, 'u1');
      expect(fake.calls).toMatchObject([{ operation: 'generateAuthorizationCode', status: 200 }]);
      expect((await visit(fake, `/external/auth/edit/${EMBEDDED_ID}/auth-a?code=${issued}`)).status).toBe(200);
    } finally {
      await fake.close();
    }
  });

  it('refuses a latency that is not a whole number >= 0', async () => {
    await expect(start({ latencyMs: -1 })).rejects.toThrow(RangeError);
    await expect(start({ latencyMs: 1.5 })).rejects.toThrow(RangeError);
  });
});
