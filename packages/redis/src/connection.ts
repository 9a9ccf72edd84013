import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

/**
 * Where Redis lives: one node by URL (credentials and TLS in the URL: `rediss://user:pass@host`),
 * or a Cluster by its seed nodes, with the credentials and TLS every node connection uses.
 */
export type RedisTarget = { url: string; clusterNodes?: undefined } | ({ url?: undefined; clusterNodes: string[] } & ClusterAuth);

export interface ClusterAuth {
  username?: string;
  password?: string;
  /** TLS to every node; `ca` for a private certificate authority. */
  tls?: { ca?: string };
}

/**
 * `producer` fails fast (no offline queue, one retry) so a webhook is answered 503 instead of
 * hanging while Redis is away; `worker` blocks and retries for ever, as BullMQ workers require.
 * The two non-blocking roles auto-pipeline, so concurrent webhooks' adds (and concurrent jobs'
 * commands) leave in one socket write instead of one each; the blocking `worker` role does not,
 * as auto-pipelining is reported to break BullMQ's workers.
 */
export type RedisRole = 'producer' | 'worker' | 'command';

const roleOptions: Record<RedisRole, RedisOptions> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1_000, enableAutoPipelining: true },
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true },
  command: { maxRetriesPerRequest: 3, enableOfflineQueue: true, connectTimeout: 2_000, enableAutoPipelining: true },
};

// Reconnect quickly but never give up: after an outage workers must resume by themselves.
const retryStrategy = (times: number): number => Math.min(100 * 2 ** Math.min(times, 5), 2_000);

export function createRedis(target: RedisTarget, role: RedisRole, name = `reauth-${role}`): RedisClient {
  const options: RedisOptions = { ...roleOptions[role], retryStrategy, connectionName: name, lazyConnect: false };
  if (target.clusterNodes) {
    const clusterOptions: ClusterOptions = {
      redisOptions: { ...options, ...nodeAuth(target) },
      enableOfflineQueue: options.enableOfflineQueue,
      clusterRetryStrategy: retryStrategy,
    };
    return new Cluster(target.clusterNodes, clusterOptions);
  }
  return new Redis(target.url, options);
}

function nodeAuth({ username, password, tls }: ClusterAuth): RedisOptions {
  return { ...(username ? { username } : {}), ...(password ? { password } : {}), ...(tls ? { tls } : {}) };
}

/**
 * Resolves true once `client` is ready, false after `timeoutMs` or at once for a connection that
 * was closed for good: a caller waits through `connecting`/`reconnecting` rather than failing on a
 * cold start or a blip, but never longer than it can afford.
 */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      resolve(ready);
    };
    const onReady = () => done(true);
    const onEnd = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}
