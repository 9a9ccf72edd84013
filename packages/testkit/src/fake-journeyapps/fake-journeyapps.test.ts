import { describe, expect, it } from '@jest/globals';
import { startFakeJourneyApps, type FakeJourneyApps, type FakeJourneyAppsOptions, type FakeJourneyAppsUser } from './index.js';

const TOKEN = 'named-token';
const JSON_TYPE = 'application/json; charset=utf-8';

interface Answer {
  status: number;
  headers: Headers;
  /** Inspected ad hoc; the shapes are the reference's, asserted by the tests themselves. */
  body: any;
  text: string;
}

async function call(
  fake: FakeJourneyApps,
  path: string,
  { method = 'GET', authorization = `Bearer O:${TOKEN}` }: { method?: string; authorization?: string | null } = {},
): Promise<Answer> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: authorization === null ? {} : { authorization },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text === '' ? undefined : JSON.parse(text) };
}

function user(i: number, sessions = 1): FakeJourneyAppsUser {
  return {
    id: `user-${i}`,
    last_connected_at: '2017-08-23T10:12:57Z',
    enrolled: true,
    locked: false,
    sessions: Array.from({ length: sessions }, (_, s) => ({
      id: `session-${i}-${s}`,
      state: 'ENROLLED' as const,
      last_authenticated_at: '2017-08-18T13:20:37Z',
      created_at: '2017-08-18T13:20:37Z',
      signed_out_at: null,
      last_connected_at: '2017-08-23T10:12:57Z',
    })),
  };
}

/** Starts a fake, runs the test against it, and always closes it. */
async function withFake(
  options: Partial<FakeJourneyAppsOptions>,
  test: (fake: FakeJourneyApps) => Promise<void>,
): Promise<void> {
  const fake = await startFakeJourneyApps({ token: TOKEN, ...options });
  try {
    await test(fake);
  } finally {
    await fake.close();
  }
}

describe('fake JourneyApps: users', () => {
  it('pages over 250 users with limit 100 as 100/100/50, in insertion order', () =>
    withFake({}, async (fake) => {
      fake.addUsers(Array.from({ length: 250 }, (_, i) => user(i)));
      const pages: Answer[] = [];
      for (let skip = 0, more = true; more; skip += pages.at(-1)!.body.count) {
        pages.push(await call(fake, `/users?limit=100&skip=${skip}`));
        more = pages.at(-1)!.body.more;
      }
      expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
      expect(pages.map((p) => p.headers.get('content-type'))).toEqual([JSON_TYPE, JSON_TYPE, JSON_TYPE]);
      expect(pages.map((p) => [p.body.total, p.body.count, p.body.more])).toEqual([
        [250, 100, true],
        [250, 100, true],
        [250, 50, false],
      ]);
      const ids = pages.flatMap((p) => p.body.objects.map((o: FakeJourneyAppsUser) => o.id));
      expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => `user-${i}`));
      expect(pages[0]!.body.objects[0]).toEqual(user(0));
      expect(Object.keys(pages[0]!.body)).toEqual(['total', 'count', 'more', 'objects']);
    }));

  it('defaults to limit 50 and skip 0, and answers an empty page past the end', () =>
    withFake({}, async (fake) => {
      fake.addUsers(Array.from({ length: 60 }, (_, i) => user(i)));
      const first = await call(fake, '/users');
      expect([first.body.total, first.body.count, first.body.more]).toEqual([60, 50, true]);
      expect(first.body.objects[0].id).toBe('user-0');
      const past = await call(fake, '/users?skip=100');
      expect(past.body).toEqual({ total: 60, count: 0, more: false, objects: [] });
    }));

  it('rejects a limit over the maximum, below 1 or not an integer, and a bad skip, with 400', () =>
    withFake({ maxLimit: 20 }, async (fake) => {
      fake.addUser(user(1));
      for (const query of ['limit=21', 'limit=101', 'limit=0', 'limit=-1', 'limit=1.5', 'limit=abc', 'limit=', 'skip=-1', 'skip=x']) {
        const answer = await call(fake, `/users?${query}`);
        expect({ query, status: answer.status, type: answer.body.type }).toEqual({ query, status: 400, type: 'INVALID_API_REQUEST' });
        expect(typeof answer.body.detail).toBe('string');
      }
      expect((await call(fake, '/users?limit=20')).status).toBe(200);
      // The default 50 would exceed maxLimit 20, so the default follows it down.
      expect((await call(fake, '/users')).status).toBe(200);
    }));

  it('gets one user with sessions, keeping only the documented fields, and 404s an unknown one', () =>
    withFake({}, async (fake) => {
      const input = user(7, 2);
      fake.addUser({ ...input, sessions: input.sessions.map((s) => ({ ...s, label: 'Apple iPhone7,2' })) } as FakeJourneyAppsUser);
      const found = await call(fake, '/users/user-7');
      expect(found.status).toBe(200);
      expect(found.body).toEqual(input);
      expect(fake.user('user-7')).toEqual(input);

      const missing = await call(fake, '/users/nobody');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe(JSON_TYPE);
      expect(missing.body).toEqual({ type: 'OBJECT_NOT_FOUND', title: 'Object not found.', detail: "No user found with ID: 'nobody'" });
      expect(fake.user('nobody')).toBeUndefined();
    }));

  it('refuses duplicate user ids', () =>
    withFake({}, async (fake) => {
      fake.addUser(user(1));
      expect(() => fake.addUser(user(1))).toThrow(/duplicate/);
    }));

  it('answers 404 for unknown paths and 405 for a wrong method on a known one', () =>
    withFake({}, async (fake) => {
      fake.addUser(user(1));
      expect((await call(fake, '/tasks')).body.type).toBe('OBJECT_NOT_FOUND');
      expect((await call(fake, '/users/user-1/lock', { method: 'POST' })).status).toBe(404);
      const wrong = await call(fake, '/users/user-1/sessions/session-1-0/re-authenticate');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST');
      expect((await call(fake, '/users', { method: 'POST' })).status).toBe(405);
      expect(fake.reauthenticated).toEqual([]);
    }));

  it('adds 100,000 users in bulk and serves the last page', () =>
    withFake({}, async (fake) => {
      function* many(): Generator<FakeJourneyAppsUser> {
        for (let i = 0; i < 100_000; i += 1) yield user(i);
      }
      fake.addUsers(many());
      const last = await call(fake, '/users?limit=100&skip=99950');
      expect([last.body.total, last.body.count, last.body.more]).toEqual([100_000, 50, false]);
      expect(last.body.objects.at(-1).id).toBe('user-99999');
      expect((await call(fake, '/users/user-54321')).body.sessions[0].id).toBe('session-54321-0');
    }));
});

describe('fake JourneyApps: auth', () => {
  const FAILED = { type: 'AUTHENTICATION_FAILED', title: 'Authentication failed', detail: 'HTTP Basic: Access denied.' };

  it('answers 401 to a wrong token, the CloudCode `Token` form, Basic, a bare Bearer token and no header', () =>
    withFake({}, async (fake) => {
      fake.addUser(user(1));
      for (const authorization of [`Bearer O:wrong`, `Token ${TOKEN}`, `Basic ${btoa('user:pass')}`, `Bearer ${TOKEN}`, null]) {
        const answer = await call(fake, '/users/user-1', { authorization });
        expect({ authorization, status: answer.status }).toEqual({ authorization, status: 401 });
        expect(answer.headers.get('content-type')).toBe(JSON_TYPE);
        expect(answer.body).toEqual(FAILED);
      }
      // Auth comes before routing.
      expect((await call(fake, '/nowhere', { authorization: 'Token x' })).body).toEqual(FAILED);
      expect(fake.calls).toBe(6);
      expect(fake.callTimes).toHaveLength(6);
    }));

  it('accepts only the rotated token after setToken', () =>
    withFake({}, async (fake) => {
      fake.addUser(user(1));
      fake.setToken('rotated');
      expect((await call(fake, '/users/user-1')).status).toBe(401);
      expect((await call(fake, '/users/user-1', { authorization: 'Bearer O:rotated' })).status).toBe(200);
    }));
});

describe('fake JourneyApps: re-authenticate', () => {
  it('locks the session with 204 and no body, and reenrol makes it ENROLLED again with the new time', () =>
    withFake({}, async (fake) => {
      fake.addUser(user(1, 2));
      const before = Date.now();
      const answer = await call(fake, '/users/user-1/sessions/session-1-0/re-authenticate', { method: 'POST' });
      expect(answer.status).toBe(204);
      expect(answer.text).toBe('');

      const [locked, untouched] = (await call(fake, '/users/user-1')).body.sessions;
      expect(locked.state).toBe('LOCKED');
      expect(locked.signed_out_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(locked.signed_out_at)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(locked.last_authenticated_at).toBe('2017-08-18T13:20:37Z');
      expect(untouched).toEqual(user(1, 2).sessions[1]);
      expect(fake.reauthenticated).toEqual([{ userId: 'user-1', sessionId: 'session-1-0', at: expect.any(Number) }]);
      expect(fake.reauthenticated[0]!.at).toBeGreaterThanOrEqual(before);

      fake.reenrol('user-1', 'session-1-0', '2030-01-02T03:04:05Z');
      const again = (await call(fake, '/users/user-1')).body.sessions[0];
      expect(again.state).toBe('ENROLLED');
      expect(again.last_authenticated_at).toBe('2030-01-02T03:04:05Z');
      // "Stays present when the session enrolls again" (B.3).
      expect(again.signed_out_at).toBe(locked.signed_out_at);

      fake.reenrol('user-1', 'session-1-1');
      expect(Date.parse(fake.user('user-1')!.sessions[1]!.last_authenticated_at)).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000,
      );
      expect(() => fake.reenrol('user-1', 'nope')).toThrow();
    }));

  it('answers 404 OBJECT_NOT_FOUND for an unknown session or user and records nothing', () =>
    withFake({}, async (fake) => {
      fake.addUser(user(1));
      const session = await call(fake, '/users/user-1/sessions/nope/re-authenticate', { method: 'POST' });
      expect(session.status).toBe(404);
      expect(session.body).toEqual({ type: 'OBJECT_NOT_FOUND', title: 'Object not found.', detail: "No session found with ID: 'nope'" });
      const who = await call(fake, '/users/ghost/sessions/session-1-0/re-authenticate', { method: 'POST' });
      expect(who.status).toBe(404);
      expect(who.body.detail).toBe("No user found with ID: 'ghost'");
      expect(fake.reauthenticated).toEqual([]);
      expect(fake.user('user-1')!.sessions[0]!.state).toBe('ENROLLED');
    }));
});

describe('fake JourneyApps: rate limit and failures', () => {
  it('answers some of 20 simultaneous requests 429 at 5 rps with a burst of 5', () =>
    withFake({ rateLimit: { rps: 5, burst: 5 } }, async (fake) => {
      fake.addUser(user(1));
      const answers = await Promise.all(Array.from({ length: 20 }, () => call(fake, '/users/user-1')));
      const limited = answers.filter((a) => a.status === 429);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(5);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited.length + answers.filter((a) => a.status === 200).length).toBe(20);
      expect(fake.rateLimited).toBe(limited.length);
      expect(fake.calls).toBe(20);
      for (const answer of limited) {
        expect(answer.body).toEqual({
          type: 'TOO_MANY_REQUESTS',
          title: 'Too many requests',
          detail: 'Rate limit exceeded; wait at least 1 second before retrying',
        });
        expect(answer.headers.get('retry-after')).toBeNull();
        expect(answer.headers.get('content-type')).toBe(JSON_TYPE);
      }
    }));

  it('is unlimited by default', () =>
    withFake({}, async (fake) => {
      const answers = await Promise.all(Array.from({ length: 50 }, () => call(fake, '/users')));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(fake.rateLimited).toBe(0);
    }));

  it('fails the next two authenticated requests with 500, then succeeds', () =>
    withFake({}, async (fake) => {
      fake.addUser(user(1));
      fake.failNext(2);
      // Unauthenticated requests do not use up injected failures.
      expect((await call(fake, '/users', { authorization: null })).status).toBe(401);
      const first = await call(fake, '/users');
      const second = await call(fake, '/users/user-1/sessions/session-1-0/re-authenticate', { method: 'POST' });
      for (const answer of [first, second]) {
        expect(answer.status).toBe(500);
        expect(answer.body).toEqual({ type: 'INTERNAL_SERVER_ERROR', title: expect.any(String), detail: expect.any(String) });
      }
      expect(fake.reauthenticated).toEqual([]);
      expect((await call(fake, '/users')).status).toBe(200);

      fake.failNext(1, 503);
      expect((await call(fake, '/users/user-1')).status).toBe(503);
      expect((await call(fake, '/users/user-1')).status).toBe(200);
    }));
});
