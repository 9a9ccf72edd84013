import express, { type RequestHandler, type Router } from 'express';
import type { Registry } from 'prom-client';

export type ReadinessState = { ready: true } | { ready: false; reason: 'draining' | 'starting' | 'redis-unreachable' };

/** Ready means: not shutting down, every required part is up, and Redis answers a PING within the timeout. */
export interface Readiness {
  check(): Promise<ReadinessState>;
  /** Not ready from now on, so a load balancer stops sending work while the process drains. */
  drain(): void;
  /** Not ready while `part` answers false (BullMQ workers still starting, their connection down). */
  require(part: () => boolean): void;
}

export function createReadiness(ping: () => Promise<unknown>, timeoutMs = 1_000): Readiness {
  let draining = false;
  const parts: Array<() => boolean> = [];
  return {
    async check() {
      if (draining) return { ready: false, reason: 'draining' };
      if (!parts.every((up) => up())) return { ready: false, reason: 'starting' };
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
        return { ready: true };
      } catch {
        return { ready: false, reason: 'redis-unreachable' };
      } finally {
        clearTimeout(timer);
      }
    },
    drain() {
      draining = true;
    },
    require(part) {
      parts.push(part);
    },
  };
}

/** `/healthz` (the process is up) and `/readyz` (it can do its work now); neither needs credentials. */
export function healthRouter(readiness: Readiness): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const state = await readiness.check();
    if (state.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: state.reason });
  });
  return router;
}

export function metricsHandler(registry: Registry): RequestHandler {
  return async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(body);
    } catch (err) {
      next(err);
    }
  };
}
