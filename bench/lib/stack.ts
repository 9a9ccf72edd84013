import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRedis,
  openQueues,
  workQueueNames,
  parseConfig,
  queueTuning,
  redisTarget,
  startLocalWorld,
  type Config,
  type FakeTray,
  type QueueSet,
  type RedisClient,
  type RedisServer,
  type SmtpCapture,
  type TrayExpiredAuth,
} from './workspace.js';

export interface StackOptions {
  /** The fake Tray's own limit; `false` = unlimited. */
  trayRateLimit: false | { rps: number; burst: number };
  /** How long the fake Tray holds each GraphQL answer (default 0). */
  trayLatencyMs?: number;
  /** Extra reauth environment (e.g. TRAY_RATE_LIMIT_RPS). */
  env?: Record<string, string>;
}

/** Counts accepted emails without keeping them: 100,000 parsed messages would cost the bench about a gigabyte. */
export interface MailCounter {
  /** Distinct Message-IDs accepted so far. */
  count(): number;
  /** Messages accepted more than once (same Message-ID). */
  duplicates(): number;
}

/**
 * One scenario's world: its own redis-server (AOF everysec, as in the reference points), fake
 * Tray, SMTP capture and contacts file, and the environment a reauth process needs to use them.
 */
export interface Stack {
  /** A temporary folder, removed on close. */
  dir: string;
  redis: RedisServer;
  /** A plain command connection to it, for INFO and the like. */
  redisClient: RedisClient;
  tray: FakeTray;
  smtp: SmtpCapture;
  mails: MailCounter;
  /** Environment for reauth child processes, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  config: Config;
  /** reauth's producer queues on this Redis, connected. */
  queues(): Promise<QueueSet>;
  /** Registers users, their instances and contacts; returns one webhook payload per auth. */
  populate(users: number, auths: number): TrayExpiredAuth[];
  close(): Promise<void>;
}

const AUTHS_PER_INSTANCE = 20;

// An interrupted run must not leave redis-servers or their folders behind; stop() kills synchronously.
const live = new Map<RedisServer, string>();
process.on('exit', () =>
  live.forEach((dir, redis) => {
    void redis.stop(true);
    rmSync(dir, { recursive: true, force: true });
  }),
);

export async function startStack(options: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'reauth-bench-'));
  const contactsFile = join(dir, 'contacts.json');
  writeFileSync(contactsFile, '{}');
  const world = await startLocalWorld({ redis: { dir: join(dir, 'redis'), appendonly: true }, tray: { embeddedId: 'bench', rateLimit: options.trayRateLimit, latencyMs: options.trayLatencyMs ?? 0 }, contactsFile });
  const { redis, tray, smtp } = world;
  live.set(redis, dir);

  const env: Record<string, string> = { ...world.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', REDIS_PREFIX: 'reauth', SHUTDOWN_TIMEOUT_MS: '2000', ...options.env };
  const config = parseConfig(env, [], []);
  const redisClient = createRedis({ url: redis.url }, 'command', 'reauth-bench');
  let queues: Promise<QueueSet> | undefined;

  const seen = new Set<string>();
  let accepted = 0;
  const fold = () => {
    for (const mail of smtp.messages) {
      accepted += 1;
      seen.add(mail.messageId ?? `no-id-${accepted}`);
    }
    smtp.reset();
  };

  return {
    dir,
    redis,
    redisClient,
    tray,
    smtp,
    mails: {
      count() {
        fold();
        return seen.size;
      },
      duplicates() {
        fold();
        return accepted - seen.size;
      },
    },
    env: (extra = {}) => ({ ...env, ...extra }),
    config,
    queues: () =>
      (queues ??= (async () => {
        const set = openQueues({ target: redisTarget(config), prefix: config.REDIS_PREFIX, queues: workQueueNames, tuning: queueTuning(config) });
        // The producer connection has no offline queue: a command sent before it is up would fail.
        await Promise.all(set.all().map((q) => q.waitUntilReady()));
        return set;
      })()),
    populate(userCount, authCount) {
      const users = Array.from({ length: userCount }, (_, i) => ({ id: randomUUID(), externalUserId: randomUUID(), name: `Bench User ${i}` }));
      const contacts: Record<string, { email: string; name: string }> = {};
      for (const [i, user] of users.entries()) {
        tray.addUser(user);
        contacts[user.externalUserId] = { email: `user${i}@bench.test`, name: user.name };
      }
      writeFileSync(contactsFile, JSON.stringify(contacts));
      const byUser = users.map((): TrayExpiredAuth[] => []);
      const auths: TrayExpiredAuth[] = Array.from({ length: authCount }, (_, i) => {
        const user = users[i % userCount] as (typeof users)[number];
        const auth = {
          authentication_name: `${user.name}'s Salesforce ${Math.floor(i / userCount) + 1}`,
          service_name: 'salesforce',
          user_id: user.id,
          authId: randomUUID(),
          external_user_id: user.externalUserId,
        };
        byUser[i % userCount]?.push(auth);
        return auth;
      });
      // Each user's auths sit in instances of up to 20 auth slots, so every auth is in use (and mailed).
      for (const [u, user] of users.entries()) {
        const own = byUser[u] ?? [];
        for (let k = 0; k * AUTHS_PER_INSTANCE < own.length; k += 1) {
          tray.addInstance({
            id: randomUUID(),
            name: `Bench sync ${u}-${k}`,
            owner: user.id,
            authValues: own.slice(k * AUTHS_PER_INSTANCE, (k + 1) * AUTHS_PER_INSTANCE).map((a, j) => ({ externalId: `external_salesforce_${j}`, authId: a.authId })),
          });
        }
      }
      return auths;
    },
    async close() {
      await (await queues)?.close();
      await redisClient.quit();
      await world.stop();
      live.delete(redis);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
