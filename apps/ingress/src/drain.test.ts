import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startRedisServer, type RedisServer } from '@reauth/testkit';
import { startTrayIngress, type TrayIngress } from './tray-ingress.fixture.js';

// The webhook routes sit ahead of the health and drain layers, so they check draining themselves.
const token = `hook-${randomBytes(16).toString('hex')}`;
let redis: RedisServer;
let tray: TrayIngress;
let base: string;

beforeAll(async () => {
  redis = await startRedisServer();
  tray = await startTrayIngress(redis, token);
  base = `http://127.0.0.1:${tray.port}`;
});

afterAll(async () => {
  await tray.close();
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

  tray.ingress.drain();
  const during = await notify('a-during');
  expect(during.status).toBe(503);
  expect(during.headers.get('connection')).toBe('close');
  expect(await during.json()).toEqual({ error: 'shutting down, retry later' });
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
  expect(await tray.queues.get('token-lookup').getJobCounts('waiting')).toEqual({ waiting: 1 });
  // An answer counts under its status; a refusal as rejected, with why.
  expect(tray.outcomes).toEqual([
    ['accepted', undefined],
    ['rejected', 'draining'],
  ]);
});
