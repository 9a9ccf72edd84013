import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Holds an answer `ms` (a whole number >= 0) before it is made: the round trip of a remote API,
 * which the benchmarks need and which a loopback fake otherwise lacks. Unref'd so that an answer
 * still held does not keep a finished test process alive.
 */
export function holdFor(ms: number): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** For a fake's `latencyMs` option; `fake` names the fake in the error. */
export function checkLatency(fake: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`${fake}: latencyMs must be a whole number >= 0, got ${ms}`);
  return ms;
}

/** Listens on a loopback port (0: any free one) and answers the port once the server is bound. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
