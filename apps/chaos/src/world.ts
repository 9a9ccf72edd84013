import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueues, type QueueSet } from '@reauth/queues';
import { createRedis, freePort, type RedisClient } from '@reauth/redis';
import { startLocalWorld, type ContactsServer, type FakeTray, type FakeTrayOptions, type RedisServer, type SmtpCapture, type SmtpCaptureOptions } from '@reauth/testkit';
import { workQueueNames } from '@reauth/worker';

export interface Secrets {
  masterToken: string;
  webhookToken: string;
  linkSecret: string;
  smtpUser: string;
  smtpPass: string;
}

/** Everything reauth talks to, real and local, and the environment its processes get. */
export interface World {
  redis: RedisServer;
  /** Where Redis keeps its AOF: a restart replays it. */
  redisDir: string;
  tray: FakeTray;
  smtp: SmtpCapture;
  contacts: ContactsServer;
  secrets: Secrets;
  /** Fixed, so a restarted ingress is reachable at the same address. */
  ingressPort: number;
  ingressUrl: string;
  /** Environment for `reauth start`; override single variables per process. */
  env: Record<string, string>;
  /** An inspection handle; its connection waits through Redis restarts instead of failing fast. */
  queues: QueueSet;
  redisClient: RedisClient;
  webhookUrl(token?: string): string;
  stop(): Promise<void>;
}

export interface WorldOptions {
  tray?: Partial<FakeTrayOptions>;
  smtp?: Omit<SmtpCaptureOptions, 'user' | 'pass'>;
  env?: Record<string, string>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const smtpAuth = { user: `smtp-user-${hex(4)}`, pass: `smtp-pass-${hex(12)}` };
  const redisDir = mkdtempSync(join(tmpdir(), 'reauth-redis-'));
  const local = await startLocalWorld({ redis: { dir: redisDir, appendonly: true }, ...(options.tray ? { tray: options.tray } : {}), smtp: { ...options.smtp, ...smtpAuth } });
  const { redis, tray, smtp, contacts } = local;
  const secrets: Secrets = { ...local.secrets, smtpUser: smtpAuth.user, smtpPass: smtpAuth.pass };
  const ingressPort = await freePort();
  const ingressUrl = `http://127.0.0.1:${ingressPort}`;
  const env: Record<string, string> = {
    ...local.env,
    NODE_ENV: 'test',
    PORT: String(ingressPort),
    JOB_ATTEMPTS: '8',
    JOB_BACKOFF_MS: '100',
    // Long enough that a busy 2-core machine never loses a live lock, short enough for quick recovery.
    JOB_LOCK_MS: '5000',
    JOB_STALLED_INTERVAL_MS: '1500',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.env,
  };
  const redisClient = createRedis({ url: redis.url }, 'command', 'reauth-inspect');
  const queues = openQueues({ target: { url: redis.url }, prefix: env.REDIS_PREFIX ?? 'reauth', queues: workQueueNames, tuning: { attempts: 1, backoffMs: 1 }, connection: redisClient });
  // Connection errors are the point while Redis is stopped on purpose; BullMQ would print each one.
  for (const queue of queues.all()) queue.on('error', () => undefined);
  // BullMQ keeps a queue's first connection check for good: one still in flight when a test stops
  // Redis would fail every later call on that handle, long after Redis is back.
  await Promise.all(queues.all().map((queue) => queue.waitUntilReady()));

  return {
    redis, redisDir, tray, smtp, contacts, secrets, ingressPort, ingressUrl, env, queues, redisClient,
    webhookUrl: (token = secrets.webhookToken) => `${ingressUrl}/webhooks/tray/expired-auth?token=${encodeURIComponent(token)}`,
    async stop() {
      await queues.close();
      await redisClient.quit().catch(() => redisClient.disconnect());
      await local.stop();
      rmSync(redisDir, { recursive: true, force: true });
    },
  };
}
