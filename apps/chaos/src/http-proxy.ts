import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  path: string;
  status: number;
  requestBody: string;
  responseBody: string;
  /** When the request arrived and when its answer went out (ms since epoch). */
  at: number;
  answeredAt: number;
}

export interface CannedAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface HttpProxy {
  /** The proxy's origin; paths are forwarded unchanged. */
  origin: string;
  exchanges: Exchange[];
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** Called when a request arrives, before it is forwarded (tests SIGKILL a worker here). */
  onRequest?: (request: { path: string; body: string }) => void;
  /** Hold each request this long before forwarding it. */
  delayMs: number;
  /** Answer the next n requests with `answer` instead of forwarding them. */
  answerNext(n: number, answer: CannedAnswer): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sits between reauth and one upstream (the fake Tray, the contacts directory): records every
 * exchange, so a test can read the user tokens Tray handed out, and can slow or override answers
 * (a 429 with its own Retry-After), which the stand-ins themselves do not offer.
 */
export async function startHttpProxy(upstreamOrigin: string): Promise<HttpProxy> {
  const canned: CannedAnswer[] = [];
  const exchanges: Exchange[] = [];
  let inFlight = 0;
  const server = createServer((req, res) => {
    const at = Date.now();
    const path = req.url ?? '/';
    inFlight += 1;
    const answer = (status: number, headers: Record<string, string>, requestBody: string, responseBody: string) => {
      inFlight -= 1;
      exchanges.push({ method: req.method ?? 'GET', path, status, requestBody, responseBody, at, answeredAt: Date.now() });
      res.writeHead(status, headers).end(responseBody);
    };
    void (async () => {
      const requestBody = await readBody(req);
      proxy.onRequest?.({ path, body: requestBody });
      // Unref'd: a held request must not keep the test process alive after close().
      if (proxy.delayMs > 0) await new Promise((r) => setTimeout(r, proxy.delayMs).unref());
      const override = canned.shift();
      if (override) return answer(override.status, { 'content-type': 'application/json', ...override.headers }, requestBody, override.body);
      const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host'));
      const upstream = await fetch(`${upstreamOrigin}${path}`, {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: requestBody }),
      });
      const responseBody = await upstream.text();
      const passHeaders: Record<string, string> = {};
      for (const name of ['content-type', 'retry-after']) {
        const value = upstream.headers.get(name);
        if (value) passHeaders[name] = value;
      }
      answer(upstream.status, passHeaders, requestBody, responseBody);
    })().catch(() => {
      inFlight -= 1;
      if (!res.headersSent) res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: HttpProxy = {
    origin: `http://127.0.0.1:${port}`,
    exchanges,
    get inFlight() {
      return inFlight;
    },
    delayMs: 0,
    answerNext(n, answer) {
      for (let i = 0; i < n; i += 1) canned.push(answer);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return proxy;
}
