import { createServer } from 'node:http';
import { handleDialog } from './dialog.js';
import { internalErrorBody } from './errors.js';
import { Faults } from './faults.js';
import { createGraphqlHandler } from './graphql-handler.js';
import { checkLatency, holdFor, listen, send, sendJson } from '../http.js';
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimitOptions } from './rate-limit.js';
import {
  TrayState,
  type DialogVisit,
  type FakeTrayCall,
  type FakeTrayInstanceInput,
  type FakeTrayUserInput,
} from './state.js';

export interface FakeTrayOptions {
  masterToken: string;
  embeddedId: string;
  /** Defaults to §3's 30 rps with a burst of 50, answered with HTTP 200; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** Largest accepted `first`/`last` (default 100; the real maximum is undocumented). */
  maxPageSize?: number;
  /** Lifetime of authorization codes (default 5 minutes, §1). */
  codeTtlMs?: number;
  /** Lifetime of user access tokens (default 2 days, §1). */
  userTokenTtlMs?: number;
  /** Every GraphQL answer is held this long (default 0), as the real API's round trip would; the dialog is not. */
  latencyMs?: number;
  /** Default: any free port. */
  port?: number;
  host?: string;
}

export interface FakeTray {
  /** GraphQL endpoint, e.g. http://127.0.0.1:PORT/graphql */
  readonly url: string;
  /** Stands in for https://embedded.tray.io, e.g. http://127.0.0.1:PORT */
  readonly dialogUrl: string;
  /** Every POST /graphql, in arrival order. */
  readonly calls: readonly FakeTrayCall[];
  readonly rateLimitErrors: number;
  readonly codesIssued: number;
  readonly dialogVisits: readonly DialogVisit[];
  addUser(user: FakeTrayUserInput): void;
  addInstance(instance: FakeTrayInstanceInput): void;
  /** The next n GraphQL requests get `status` (500 by default) with an InternalError body. */
  failNext(n: number, status?: number): void;
  /** The next n authenticated, valid GraphQL requests get the rate-limit answer. */
  rateLimitNext(n: number): void;
  /** Each GraphQL request fails with 500 with probability p (0 by default). */
  setFailureRate(p: number): void;
  /** Every user token, or one user's, answers 401 from now on. */
  revokeUserTokens(userId?: string): void;
  /** Clears faults, counters and logs and refills the rate-limit bucket; users, instances, tokens and codes stay. */
  reset(): void;
  close(): Promise<void>;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export async function startFakeTray(options: FakeTrayOptions): Promise<FakeTray> {
  const maxPageSize = options.maxPageSize ?? 100;
  if (!Number.isSafeInteger(maxPageSize) || maxPageSize < 1) {
    throw new RangeError(`fake Tray: maxPageSize must be a positive integer, got ${maxPageSize}`);
  }
  const latencyMs = checkLatency('fake Tray', options.latencyMs ?? 0);
  const state = new TrayState({
    masterToken: options.masterToken,
    codeTtlMs: options.codeTtlMs ?? 5 * MINUTE_MS,
    userTokenTtlMs: options.userTokenTtlMs ?? 2 * DAY_MS,
  });
  const faults = new Faults();
  const rateLimit = options.rateLimit === false ? undefined : { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const limiter = rateLimit && new TokenBucket(rateLimit.rps, rateLimit.burst);
  const handleGraphql = createGraphqlHandler({
    state,
    faults,
    limiter,
    rateLimitStatus: rateLimit?.status ?? DEFAULT_RATE_LIMIT.status,
    maxPageSize,
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-tray');
    if (url.pathname === '/graphql') {
      if (req.method !== 'POST') return sendJson(res, 405, { errors: [{ message: 'Use POST' }] }, { allow: 'POST' });
      holdFor(latencyMs).then(() => handleGraphql(req, res)).catch(() => {
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, internalErrorBody());
      });
      return;
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { allow: 'GET' });
    handleDialog(url, res, state, options.embeddedId);
  });

  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/graphql`,
    dialogUrl: origin,
    calls: state.calls,
    get rateLimitErrors() {
      return state.rateLimitErrors;
    },
    get codesIssued() {
      return state.codesIssued;
    },
    dialogVisits: state.dialogVisits,
    addUser: (user) => state.addUser(user),
    addInstance: (instance) => state.addInstance(instance),
    failNext: (n, status = 500) => faults.failNext(n, status),
    rateLimitNext: (n) => faults.rateLimitNext(n),
    setFailureRate: (p) => faults.setFailureRate(p),
    revokeUserTokens: (userId) => state.revokeUserTokens(userId),
    reset: () => {
      faults.clear();
      state.resetObservations();
      limiter?.refill();
    },
    close: async () => {
      // fetch keeps idle keep-alive sockets open, which would hold close() until they time out.
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
