import { readFileSync } from 'node:fs';
import type { Config } from './load.js';

type ClusterTarget = { clusterNodes: string[]; username?: string; password?: string; tls?: { ca?: string } };

/** Single node by URL or a Cluster by seed nodes with its credentials and TLS; the shape @reauth/redis accepts. */
export function redisTarget(config: Config): { url: string } | ClusterTarget {
  if (config.REDIS_CLUSTER_NODES) {
    const ca = config.REDIS_TLS_CA_FILE ? readFileSync(config.REDIS_TLS_CA_FILE, 'utf8') : undefined;
    return {
      clusterNodes: config.REDIS_CLUSTER_NODES,
      ...(config.REDIS_USERNAME ? { username: config.REDIS_USERNAME } : {}),
      ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}),
      ...(config.REDIS_TLS || ca ? { tls: ca ? { ca } : {} } : {}),
    };
  }
  if (config.REDIS_URL) return { url: config.REDIS_URL };
  throw new Error('no Redis configured: set REDIS_URL or REDIS_CLUSTER_NODES (pnpm start/demo start an embedded one when both are unset)');
}

export function queueTuning(config: Config) {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoffMs: config.JOB_BACKOFF_MS,
    lockDurationMs: config.JOB_LOCK_MS,
    stalledIntervalMs: config.JOB_STALLED_INTERVAL_MS,
    ...(config.WORKER_CONCURRENCY ? { concurrency: config.WORKER_CONCURRENCY } : {}),
  };
}
