import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createLinkSigner } from '@reauth/links';
import { createLogger } from '@reauth/logger';
import { createNotifications } from '@reauth/notification';
import { openQueues, type QueueSet } from '@reauth/queues';
import { createRedis, type RedisClient } from '@reauth/redis';
import type { RedisServer } from '@reauth/testkit';
import { trayIntake } from '@reauth/tray';
import { workQueueNames } from '@reauth/worker';
import { createIngress, createIngressServer, type Ingress } from './index.js';

/** For the ingress's tests: an ingress with the Tray intake on, listening on a loopback port. */
export interface TrayIngress {
  ingress: Ingress;
  queues: QueueSet;
  /** Reads what is in Redis; the ingress's own connection is a fail-fast producer. */
  inspect: RedisClient;
  server: Server;
  port: number;
  /** Every webhook outcome the ingress reported, as `[outcome, reason]`. */
  outcomes: Array<[string, string | undefined]>;
  close(): Promise<void>;
}

export async function startTrayIngress(redis: RedisServer, token: string): Promise<TrayIngress> {
  const queues = openQueues({ target: { url: redis.url }, prefix: 'reauth', queues: workQueueNames, tuning: { attempts: 3, backoffMs: 100 } });
  if (queues.connection.status !== 'ready') await new Promise((r) => queues.connection.once('ready', r));
  const inspect = createRedis({ url: redis.url }, 'command', 'inspect');
  const store = createNotifications(inspect, { prefix: 'reauth', retentionDays: 30 });
  const outcomes: TrayIngress['outcomes'] = [];
  const ingress = createIngress({
    queues,
    intakes: [trayIntake(queues, store, { webhookToken: token, dedupeWindowMs: 3_600_000 })],
    signer: createLinkSigner(randomBytes(32).toString('hex')),
    store,
    // No provider: every link the tests send fails verification before a provider would be asked.
    providers: new Map(),
    log: createLogger({ level: 'silent' }),
    onWebhook: (outcome, reason) => outcomes.push([outcome, reason]),
  });
  const server = createIngressServer(ingress.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ingress,
    queues,
    inspect,
    server,
    port: (server.address() as { port: number }).port,
    outcomes,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await queues.close();
      await inspect.quit();
    },
  };
}
