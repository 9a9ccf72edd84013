import type { Config } from './load.js';

/** Single node by URL or a Cluster by seed nodes; the shape @reauth/redis accepts. */
export function redisTarget(config: Config): { url: string } | { clusterNodes: string[] } {
  if (config.REDIS_CLUSTER_NODES) return { clusterNodes: config.REDIS_CLUSTER_NODES };
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
