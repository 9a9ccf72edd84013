/**
 * A fake JourneyApps Backend API (reference part B) over real HTTP, for integration tests and
 * benchmarks. It owns one backend deployment's app users and their sessions, and exactly the routes the
 * re-authentication worker uses, under `/api/v4/<deployment-id>`:
 *
 *   GET  /users?limit=&skip=                                     B.3: {total, count, more, objects}
 *   GET  /users/{user_id}                                        B.3: the user object with sessions
 *   POST /users/{user_id}/sessions/{session_id}/re-authenticate  B.4: session → LOCKED, signed_out_at = now
 *
 * Every request is checked in this order: named-token auth (`Authorization: Bearer O:<token>` only;
 * Basic and CloudCode's `Token <x>` get 401), then the token-bucket rate limit (off by default), then
 * injected failures, then the route. Errors are `{type, title, detail}` (B.5).
 *
 * UNCONFIRMED, modelled on the best available evidence and to be revisited when the real API says otherwise:
 * - re-authenticate answers 204 No Content (inferred from a community CloudCode script, B.4);
 *   clients should accept any 2xx;
 * - a 429 carries no Retry-After header (B.5: undocumented; the announcement says "wait at least 1 second");
 * - the 429 body past `"type": "TOO_MANY_REQUESTS"`, the titles of 401/400/500, and the 404 detail for
 *   sessions and unknown routes; a wrong method on a known path gets 405 with an INVALID_API_REQUEST body;
 * - the largest accepted `limit` (default 100 here) and the behaviour of out-of-range `limit`/`skip` (400 here);
 * - re-authenticate leaves the user's `enrolled`/`locked` flags alone (only the session changes).
 * Timestamps the fake writes use whole seconds (`2017-08-18T13:33:23Z`), like the reference's samples.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, send, sendJson } from '../http.js';
import { TokenBucket } from '../fake-tray/rate-limit.js';
import {
  AUTHENTICATION_FAILED,
  TOO_MANY_REQUESTS,
  internalServerError,
  invalidApiRequest,
  objectNotFound,
  routeNotFound,
} from './errors.js';
import { JourneyAppsState, isoSeconds, type FakeJourneyAppsUser } from './state.js';

export interface FakeJourneyAppsOptions {
  /** The accepted header is `Authorization: Bearer O:<token>`, nothing else. */
  token: string;
  /** Token bucket for the whole deployment (B.5); default false (unlimited). */
  rateLimit?: { rps: number; burst: number } | false;
  /** Largest accepted `?limit` (default 100); larger, smaller than 1 or not an integer → 400 INVALID_API_REQUEST. */
  maxLimit?: number;
  /** Default: any free port. */
  port?: number;
  host?: string;
}

export interface FakeJourneyAppsReauthentication {
  userId: string;
  sessionId: string;
  /** Date.now() when the fake accepted the call. */
  at: number;
}

export interface FakeJourneyApps {
  /** Base URL, e.g. http://127.0.0.1:PORT/api/v4/533bda53027894f69b001055 */
  readonly url: string;
  addUser(user: FakeJourneyAppsUser): void;
  /** Bulk form for large tests and benchmarks; users are stored as JSON strings, pages are string joins. */
  addUsers(users: Iterable<FakeJourneyAppsUser>): void;
  /** A copy of the stored user. */
  user(id: string): FakeJourneyAppsUser | undefined;
  /** Test helper: the session enrols again: state ENROLLED, last_authenticated_at = at (default now). */
  reenrol(userId: string, sessionId: string, at?: string): void;
  /** Every successful re-authenticate call, in order. */
  readonly reauthenticated: ReadonlyArray<FakeJourneyAppsReauthentication>;
  /** All requests received. */
  readonly calls: number;
  /** Date.now() of every request received, in order (rate measurements). */
  readonly callTimes: ReadonlyArray<number>;
  /** Requests answered 429. */
  readonly rateLimited: number;
  /** The next n authenticated requests that pass the rate limit get `status` (500 by default). */
  failNext(n: number, status?: number): void;
  /** Rotates the accepted token, e.g. to make a worker's token wrong. */
  setToken(token: string): void;
  close(): Promise<void>;
}

/** The deployment id of the reference's sample request (B.3). */
const DEPLOYMENT_ID = '533bda53027894f69b001055';
const BASE_PATH = `/api/v4/${DEPLOYMENT_ID}`;
const DEFAULT_LIMIT = 50;
const JSON_TYPE = 'application/json; charset=utf-8';

type Route =
  | { kind: 'list' }
  | { kind: 'user'; userId: string }
  | { kind: 'reauthenticate'; userId: string; sessionId: string };

/** The route and the one method it takes, or undefined for an unknown path. */
function match(pathname: string): { route: Route; method: 'GET' | 'POST' } | undefined {
  if (!pathname.startsWith(`${BASE_PATH}/`)) return undefined;
  let parts: string[];
  try {
    parts = pathname.slice(BASE_PATH.length + 1).split('/').map(decodeURIComponent);
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (parts[0] !== 'users' || parts.some((p) => p === '')) return undefined;
  const [, userId, sessions, sessionId, action] = parts;
  if (parts.length === 1) return { route: { kind: 'list' }, method: 'GET' };
  if (parts.length === 2) return { route: { kind: 'user', userId: userId! }, method: 'GET' };
  if (parts.length === 5 && sessions === 'sessions' && action === 're-authenticate') {
    return { route: { kind: 'reauthenticate', userId: userId!, sessionId: sessionId! }, method: 'POST' };
  }
  return undefined;
}

/** A decimal integer, or undefined for anything else ('', '1.5', '1e3', ' 2'). */
function parseInteger(raw: string): number | undefined {
  return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
}

export async function startFakeJourneyApps(options: FakeJourneyAppsOptions): Promise<FakeJourneyApps> {
  const maxLimit = options.maxLimit ?? 100;
  if (!Number.isSafeInteger(maxLimit) || maxLimit < 1) {
    throw new RangeError(`fake JourneyApps: maxLimit must be a positive integer, got ${maxLimit}`);
  }
  const rateLimit = options.rateLimit ?? false;
  if (rateLimit && (!(rateLimit.rps > 0) || !(rateLimit.burst >= 1))) {
    throw new RangeError('fake JourneyApps: rate limit needs rps > 0 and burst >= 1');
  }
  const limiter = rateLimit ? new TokenBucket(rateLimit.rps, rateLimit.burst) : undefined;
  const defaultLimit = Math.min(DEFAULT_LIMIT, maxLimit);

  const state = new JourneyAppsState();
  const reauthenticated: FakeJourneyAppsReauthentication[] = [];
  const failures: number[] = [];
  let token = options.token;
  let calls = 0;
  const callTimes: number[] = [];
  let rateLimited = 0;

  function listUsers(url: URL, res: ServerResponse): void {
    const rawLimit = url.searchParams.get('limit');
    const rawSkip = url.searchParams.get('skip');
    const limit = rawLimit === null ? defaultLimit : parseInteger(rawLimit);
    const skip = rawSkip === null ? 0 : parseInteger(rawSkip);
    if (limit === undefined || limit < 1 || limit > maxLimit) {
      return sendJson(res, 400, invalidApiRequest(`limit must be an integer from 1 to ${maxLimit}, got '${rawLimit}'`));
    }
    if (skip === undefined || skip < 0) {
      return sendJson(res, 400, invalidApiRequest(`skip must be an integer of 0 or more, got '${rawSkip}'`));
    }
    send(res, 200, JSON_TYPE, state.pageJson(skip, limit));
  }

  function reauthenticate(userId: string, sessionId: string, res: ServerResponse): void {
    const at = Date.now();
    const found = state.updateSession(userId, sessionId, (session) => {
      session.state = 'LOCKED';
      session.signed_out_at = isoSeconds(at);
    });
    if (found === 'no-user') return sendJson(res, 404, objectNotFound('user', userId));
    if (found === 'no-session') return sendJson(res, 404, objectNotFound('session', sessionId));
    reauthenticated.push({ userId, sessionId, at });
    res.writeHead(204);
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    calls += 1;
    callTimes.push(Date.now());
    await readBody(req); // nothing the fake serves takes a body; drain it so keep-alive sockets stay usable
    if (req.headers.authorization !== `Bearer O:${token}`) return sendJson(res, 401, AUTHENTICATION_FAILED);
    if (limiter && !limiter.tryTake()) {
      rateLimited += 1;
      return sendJson(res, 429, TOO_MANY_REQUESTS);
    }
    const failure = failures.shift();
    if (failure !== undefined) return sendJson(res, failure, internalServerError('Injected failure (fake JourneyApps)'));

    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake-journeyapps');
    const matched = match(url.pathname);
    if (matched === undefined) return sendJson(res, 404, routeNotFound(method, url.pathname));
    if (method !== matched.method) {
      return sendJson(res, 405, invalidApiRequest(`Use ${matched.method} for ${url.pathname}`), { allow: matched.method });
    }
    const { route } = matched;
    switch (route.kind) {
      case 'list':
        return listUsers(url, res);
      case 'user': {
        const json = state.json(route.userId);
        if (json === undefined) return sendJson(res, 404, objectNotFound('user', route.userId));
        return send(res, 200, JSON_TYPE, json);
      }
      case 'reauthenticate':
        return reauthenticate(route.userId, route.sessionId, res);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, internalServerError('The fake JourneyApps failed'));
    });
  });

  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}${BASE_PATH}`,
    addUser: (user) => state.add(user),
    addUsers: (users) => {
      for (const user of users) state.add(user);
    },
    user: (id) => state.get(id),
    reenrol: (userId, sessionId, at = isoSeconds(Date.now())) => {
      const found = state.updateSession(userId, sessionId, (session) => {
        session.state = 'ENROLLED';
        session.last_authenticated_at = at; // signed_out_at "stays present when the session enrolls again" (B.3)
      });
      if (found !== 'ok') throw new Error(`fake JourneyApps: no session '${sessionId}' for user '${userId}'`);
    },
    reauthenticated,
    get calls() {
      return calls;
    },
    callTimes,
    get rateLimited() {
      return rateLimited;
    },
    failNext: (n, status = 500) => {
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`fake JourneyApps: expected a count >= 0, got ${n}`);
      if (!Number.isSafeInteger(status) || status < 400 || status > 599) {
        throw new RangeError(`fake JourneyApps: failure status must be 4xx or 5xx, got ${status}`);
      }
      for (let i = 0; i < n; i += 1) failures.push(status);
    },
    setToken: (next) => {
      token = next;
    },
    close: async () => {
      // fetch keeps idle keep-alive sockets open, which would hold close() until they time out.
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
