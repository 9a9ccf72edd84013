import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { checkLatency, holdFor, listen, readBody, send, sendJson } from '../http.js';

/**
 * A fake TrueLayer auth server: `POST /v1/reauthuri` checked as strictly as reference A
 * documents (a known refresh token, the redirect_uri registered with it, `response_type: code`,
 * a consent live or within its grace window), OAuth-style error bodies (UNCONFIRMED shape), and
 * a simulated bank page that sends the user back to `redirect_uri?code=…&state=…`.
 */
export interface FakeTrueLayerConnection {
  refreshToken: string;
  redirectUri: string;
  consentExpiresAt: number;
}

export interface FakeTrueLayer {
  /** Stands in for https://auth.truelayer.com */
  readonly url: string;
  readonly calls: ReadonlyArray<{ body: Record<string, unknown>; status: number }>;
  /** Codes the bank page handed back, in order. */
  readonly codes: readonly string[];
  addConnection(connection: FakeTrueLayerConnection): void;
  /** The next n reauthuri calls answer `status` (429 by default). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

const GRACE_MS = 90 * 86_400_000;

export interface FakeTrueLayerOptions {
  graceMs?: number;
  /** Every `/v1/reauthuri` answer is held this long (default 0), as the real API's round trip would; the bank page is not. */
  latencyMs?: number;
  host?: string;
}

export async function startFakeTrueLayer(options: FakeTrueLayerOptions = {}): Promise<FakeTrueLayer> {
  const connections = new Map<string, FakeTrueLayerConnection>();
  const sessions = new Map<string, { redirectUri: string; state?: string }>();
  const calls: Array<{ body: Record<string, unknown>; status: number }> = [];
  const codes: string[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 429 };
  const graceMs = options.graceMs ?? GRACE_MS;
  const latencyMs = checkLatency('fake TrueLayer', options.latencyMs ?? 0);
  let base = '';

  const oauthError = (status: number, error: string, description: string) => ({ status, body: { error, error_description: description } });

  function reauth(body: Record<string, unknown>): { status: number; body: unknown } {
    if (failures.left > 0) {
      failures.left -= 1;
      return failures.status === 429 ? oauthError(429, 'rate_limit_exceeded', 'Too many requests') : oauthError(failures.status, 'internal_server_error', 'Something went wrong');
    }
    if (body.response_type !== 'code') return oauthError(400, 'invalid_request', 'response_type must be code');
    if (typeof body.refresh_token !== 'string' || typeof body.redirect_uri !== 'string') return oauthError(400, 'invalid_request', 'refresh_token and redirect_uri are required');
    const connection = connections.get(body.refresh_token);
    if (!connection) return oauthError(401, 'invalid_grant', 'unknown refresh token');
    if (connection.redirectUri !== body.redirect_uri) return oauthError(400, 'invalid_request', 'redirect_uri does not match the original authorisation');
    if (Date.now() > connection.consentExpiresAt + graceMs) return oauthError(401, 'invalid_grant', 'the reauthentication window has lapsed');
    const session = randomBytes(8).toString('hex');
    sessions.set(session, { redirectUri: connection.redirectUri, ...(typeof body.state === 'string' ? { state: body.state } : {}) });
    return { status: 200, body: { result: `${base}/bank/${session}`, success: true } };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method === 'POST' && url.pathname === '/v1/reauthuri') {
        await holdFor(latencyMs);
        if (!String(req.headers['content-type']).startsWith('application/json')) return sendJson(res, 415, { error: 'invalid_request', error_description: 'JSON expected' });
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        } catch {
          return sendJson(res, 400, { error: 'invalid_request', error_description: 'malformed JSON' });
        }
        const answer = reauth(body);
        calls.push({ body, status: answer.status });
        return sendJson(res, answer.status, answer.body);
      }
      const bank = /^\/bank\/([0-9a-f]+)$/.exec(url.pathname);
      const session = bank ? sessions.get(bank[1] as string) : undefined;
      if (req.method === 'GET' && session) {
        sessions.delete(bank![1] as string);
        const code = randomBytes(12).toString('hex');
        codes.push(code);
        const back = new URL(session.redirectUri);
        back.searchParams.set('code', code);
        if (session.state !== undefined) back.searchParams.set('state', session.state);
        return send(res, 302, 'text/plain', '', { location: back.toString() });
      }
      sendJson(res, 404, { error: 'not_found', error_description: 'no such route' });
    })();
  });
  const host = options.host ?? '127.0.0.1';
  base = `http://${host}:${await listen(server, 0, host)}`;
  return {
    url: base,
    calls,
    codes,
    addConnection: (c) => void connections.set(c.refreshToken, c),
    failNext(n, status = 429) {
      failures = { left: n, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
