import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseConfig, roles } from '@reauth/config';
import { createLogger } from '@reauth/logger';
import { DEAD_LETTER_QUEUE, queuePrefix } from '@reauth/queues';
import { providerSwitches, workQueueNames } from '@reauth/worker';
import { createRedis, freePort, type RedisClient } from '@reauth/redis';
import { pressButton, startLocalWorld, type LocalWorld } from '@reauth/testkit';
import { runRoles, type RunningRoles } from '../process.js';
import { startRedisCluster, type RedisCluster } from './redis-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'reauth-cluster-'));
const prefix = `cluster-${randomBytes(4).toString('hex')}`;
const redisPassword = `cluster-pass-${randomBytes(12).toString('hex')}`;
const auth = {
  authentication_name: "Ada's Salesforce",
  service_name: 'salesforce',
  user_id: 'user-ada',
  authId: 'auth-sf-1',
  external_user_id: 'ext-ada',
};

let cluster: RedisCluster;
// Its own redis-server stands idle: the run below goes to the cluster.
let world: LocalWorld;
let running: RunningRoles | undefined;

beforeAll(async () => {
  [cluster, world] = await Promise.all([startRedisCluster(dir, { password: redisPassword }), startLocalWorld({ tray: { embeddedId: 'acme-cluster' } })]);
  const { tray } = world;
  world.contacts.set(auth.external_user_id, { email: 'ada@example.com', name: 'Ada Lovelace' });
  tray.addUser({ id: auth.user_id, externalUserId: auth.external_user_id, name: 'Ada Lovelace' });
  tray.addInstance({ id: 'si-1', name: 'Salesforce nightly sync', owner: auth.user_id, authValues: [{ externalId: 'external_sf', authId: auth.authId }] });

  const port = await freePort();
  const pipelineRoles = roles.filter((r) => r !== 'dashboard');
  const { REDIS_URL: _single, ...local } = world.env;
  const env = {
    ...local,
    LOG_LEVEL: 'silent',
    REDIS_CLUSTER_NODES: cluster.nodes.join(','),
    REDIS_PASSWORD: redisPassword,
    REDIS_PREFIX: prefix,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    JOB_BACKOFF_MS: '200',
  };
  const config = parseConfig(env, pipelineRoles, providerSwitches);
  running = await runRoles(config, pipelineRoles, createLogger({ level: 'silent' }), env);
});

afterAll(async () => {
  await running?.stop();
  await world?.stop();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('on a 3-master Redis Cluster that requires a password', () => {
  it('refuses a connection without the password, so the run below really authenticated', async () => {
    const anonymous = createRedis({ url: `redis://${cluster.nodes[0]}` }, 'command', 'cluster-test');
    // The refused handshake is also emitted as an error event; the rejected command is what we check.
    anonymous.on('error', () => undefined);
    try {
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    } finally {
      anonymous.disconnect();
    }
  });

  it('runs the Tray path end to end: webhook, email, link redirect to the auth dialog', async () => {
    const res = await fetch(`${running?.ingressUrl}/webhooks/tray/expired-auth?token=${world.secrets.webhookToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(auth),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'accepted' });

    const [email] = await world.smtp.waitFor(1, 30_000);
    expect(email?.to).toEqual(['ada@example.com']);
    const link = /http:\/\/127\.0\.0\.1:\d+\/reauth\/[A-Za-z0-9_.-]+/.exec(email?.text ?? '')?.[0];
    expect(link).toBeDefined();

    const click = await pressButton(link as string);
    expect(click.status).toBe(302);
    const dialog = click.headers.get('location') ?? '';
    expect(dialog.startsWith(`${world.tray.dialogUrl}/external/auth/edit/acme-cluster/${auth.authId}?code=`)).toBe(true);
    const visit = await fetch(dialog);
    expect(visit.status).toBe(200);
  });

  it('keeps each queue in one hash slot, with the queues spread over the masters', async () => {
    // Plain connections to each master: KEYS answers for that node's own slots only.
    const masters: RedisClient[] = cluster.nodes.map((node) => createRedis({ url: `redis://:${redisPassword}@${node}` }, 'command', 'cluster-test'));
    try {
      const slotsPerQueue = new Map<string, Set<number>>();
      const mastersPerQueue = new Map<string, Set<number>>();
      for (const [index, master] of masters.entries()) {
        for (const key of await master.keys(`${prefix}:*`)) {
          const queue = [...workQueueNames, DEAD_LETTER_QUEUE].find((q) => key.startsWith(`${queuePrefix(prefix, q)}:`));
          if (!queue) continue;
          slotsPerQueue.set(queue, (slotsPerQueue.get(queue) ?? new Set()).add(Number(await master.call('CLUSTER', 'KEYSLOT', key))));
          mastersPerQueue.set(queue, (mastersPerQueue.get(queue) ?? new Set()).add(index));
        }
      }
      // Every work queue was used by the path above, and each one's keys share a single slot ...
      expect([...slotsPerQueue.keys()]).toEqual(expect.arrayContaining(['instance-mapping', 'notify', 'token-lookup']));
      for (const [queue, slots] of slotsPerQueue) expect({ queue, slots: slots.size }).toEqual({ queue, slots: 1 });
      // ... while the queues themselves live on more than one master.
      expect(new Set([...mastersPerQueue.values()].flatMap((m) => [...m])).size).toBeGreaterThan(1);
    } finally {
      await Promise.all(masters.map((m) => m.quit()));
    }
  });
});
