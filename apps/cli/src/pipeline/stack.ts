import { parseConfig, queueTuning, redisTarget, type Config, type Role } from '@reauth/config';
import { createLogger } from '@reauth/logger';
import { createNotifications, type Notifications } from '@reauth/notification';
import { openQueues, type QueueSet } from '@reauth/queues';
import { eventually, pressButton, startLocalWorld, type ContactsServer, type FakeTray, type FakeTrayOptions, type RedisServer, type SmtpCapture } from '@reauth/testkit';
import { createRedis, type RedisClient } from '@reauth/redis';
import { runRoles, type RunningRoles } from '../process.js';
import { storeOptions } from '../core.js';
import { providerSwitches, workQueueNames } from '@reauth/worker';

/** Everything the pipeline talks to, real and local, plus reauth itself running the given roles. */
export interface Stack {
  redis: RedisServer;
  tray: FakeTray;
  smtp: SmtpCapture;
  contacts: ContactsServer;
  config: Config;
  /** The environment reauth was started with (a second process on the same stack takes it too). */
  env: Record<string, string>;
  running: RunningRoles;
  /** An inspection handle on the same queues (tests read job states through it). */
  queues: QueueSet;
  /** An inspection handle on the notification records. */
  store: Notifications;
  /** A plain command connection to the stack's Redis, for reading keys directly. */
  client: RedisClient;
  ingressUrl: string;
  webhookToken: string;
  masterToken: string;
  postWebhook(body: unknown, init?: { token?: string; contentType?: string }): Promise<Response>;
  /** What a browser without JavaScript does with a link's path: load the landing page, press its button. */
  pressButton(path: string, choice?: string): Promise<Response>;
  stop(): Promise<void>;
}

/** What is up before reauth starts: Redis (with a plain client on it), the fakes, the parsed config, the queues. */
export type StackBeforeStart = Pick<Stack, 'redis' | 'tray' | 'smtp' | 'contacts' | 'config' | 'queues' | 'store' | 'client'>;

export interface StackOptions {
  env?: Record<string, string>;
  roles?: Role[];
  tray?: Partial<FakeTrayOptions>;
  /** Runs before any role does, so state written here (an older version's jobs, say) meets no worker yet. */
  beforeStart?: (stack: StackBeforeStart) => Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const world = await startLocalWorld({ ...(options.tray ? { tray: options.tray } : {}) });
  const { redis, tray, smtp, contacts } = world;
  const { masterToken, webhookToken } = world.secrets;
  const roles = options.roles ?? ['ingress', 'token-lookup', 'instance-mapping', 'notify', 'reminders'];
  const env = { ...world.env, LOG_LEVEL: 'silent', PORT: '0', TRAY_PAGE_SIZE: '2', JOB_BACKOFF_MS: '50', JOB_ATTEMPTS: '5', ...options.env };
  const config = parseConfig(env, roles, providerSwitches);
  const inspect: RedisClient = createRedis({ url: redis.url }, 'command', 'stack-inspect');
  const store = createNotifications(inspect, storeOptions(config));
  const queues = openQueues({ target: redisTarget(config), prefix: config.REDIS_PREFIX, queues: workQueueNames, tuning: queueTuning(config) });
  await options.beforeStart?.({ redis, tray, smtp, contacts, config, queues, store, client: inspect });
  const running = await runRoles(config, roles, createLogger({ level: 'silent' }), env);
  const ingressUrl = running.ingressUrl ?? '';

  return {
    redis, tray, smtp, contacts, config, env, running, queues, store, client: inspect, ingressUrl, webhookToken, masterToken,
    postWebhook(body, init = {}) {
      return fetch(`${ingressUrl}/webhooks/tray/expired-auth?token=${encodeURIComponent(init.token ?? webhookToken)}`, {
        method: 'POST',
        headers: { 'content-type': init.contentType ?? 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    pressButton: (path, choice) => pressButton(`${ingressUrl}${path}`, choice),
    async stop() {
      await running.stop();
      await queues.close();
      await inspect.quit();
      await world.stop();
    },
  };
}

export { eventually };

type QueuedJob = NonNullable<Awaited<ReturnType<ReturnType<QueueSet['get']>['getJob']>>>;

/** Waits for a job to complete or fail for good. */
export function finished(stack: Pick<Stack, 'queues'>, queue: string, id: string): Promise<{ job: QueuedJob; state: 'completed' | 'failed' }> {
  return eventually(`${queue} job ${id} to finish`, async () => {
    const job = await stack.queues.get(queue).getJob(id);
    // finishedOn comes from the same read as returnvalue: a job read just before it finished has neither.
    const state = job?.finishedOn ? await job.getState() : undefined;
    return state === 'completed' || state === 'failed' ? { job: job!, state } : undefined;
  });
}

/** Waits until a queue holds no job still to run (every one completed or failed for good). */
export function drained(queues: QueueSet, queue: string): Promise<true> {
  return eventually(`the ${queue} queue to drain`, async () => {
    const counts = await queues.get(queue).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0) ? (true as const) : undefined;
  });
}
