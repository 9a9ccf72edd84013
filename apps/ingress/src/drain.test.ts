import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createLinkSigner } from '@reauth/links';
import { createLogger } from '@reauth/logger';
import { createNotifications } from '@reauth/notification';
import { openQueues, type QueueSet } from '@reauth/queues';
import { startRedisServer, type RedisServer } from '@reauth/testkit';
import { trayIntake } from '@reauth/tray';
import { workQueueNames } from '@reauth/worker';
import { createIngress, createIngressServer, type Ingress } from './index.js';

// The webhook routes sit ahead of the health and drain layers, so they check draining themselves.
const token = `hook-${randomBytes(16).toString('hex')}`;
let redis: RedisServer;
let queues: QueueSet;
let ingress: Ingress;
let server: Server;
let base: string;

beforeAll(async () => {
  redis = await startRedisServer();
  queues = openQueues({ target: { url: redis.url }, prefix: 'reauth', queues: workQueueNames, tuning: { attempts: 3, backoffMs: 100 } });
  if (queues.connection.status !== 'ready') await new Promise((r) => queues.connection.once('ready', r));
  const store = createNotifications(queues.connection, { prefix: 'reauth', retentionDays: 30 });
  ingress = createIngress({
    queues,
    intakes: [trayIntake(queues, store, { webhookToken: token, dedupeWindowMs: 3_600_000 })],
    signer: createLinkSigner(randomBytes(32).toString('hex')),
    store,
    providers: new Map(),
    log: createLogger({ level: 'silent' }),
  });
  server = createIngressServer(ingress.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await queues.close();
  await redis.stop();
});

const notify = (authId: string) =>
  fetch(`${base}/webhooks/tray/expired-auth?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authentication_name: 'CRM', service_name: 'salesforce', user_id: 'u-1', authId, external_user_id: 'e-1' }),
  });

it('takes webhooks until it drains, then refuses them with 503 and closes the connection, while /healthz still answers', async () => {
  const before = await notify('a-before');
  expect(before.status).toBe(200);
  // Every answer is per request: an ETag could never be matched.
  expect(before.headers.get('etag')).toBeNull();

  ingress.drain();
  const during = await notify('a-during');
  expect(during.status).toBe(503);
  expect(during.headers.get('connection')).toBe('close');
  expect(await during.json()).toEqual({ error: 'shutting down, retry later' });
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
  expect(await queues.get('token-lookup').getJobCounts('waiting')).toEqual({ waiting: 1 });
});
