import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { webhookSecret } from '@reauth/testkit';

/** The demo's stand-in for the customer's event receiver: verifies each event's signature and counts it by type. */
export interface EventsSample {
  env: Record<string, string>;
  /** Verified events so far, by type. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

export async function startEventsSample(): Promise<EventsSample> {
  const secret = webhookSecret();
  const webhook = new Webhook(secret);
  const counts: Record<string, number> = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const event = webhook.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>) as { type: string };
        counts[event.type] = (counts[event.type] ?? 0) + 1;
        res.writeHead(204).end();
      } catch {
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    env: { EVENTS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reauth-events`, EVENTS_SECRET: secret },
    counts: () => ({ ...counts }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
