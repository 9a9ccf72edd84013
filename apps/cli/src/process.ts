import { createServer, type Server } from 'node:http';
import { queueTuning, redisTarget, type Config, type Role } from '@reauth/config';
import { createDashboard } from '@reauth/dashboard';
import { brandOf } from '@reauth/email';
import { ENQUEUE_TIMEOUT_MS, createIngress, createIngressServer, startSpool, type Spool } from '@reauth/ingress';
import type { Logger } from '@reauth/logger';
import { startMetricsServer } from '@reauth/metrics';
import { openQueues } from '@reauth/queues';
import { createRedis, whenReady } from '@reauth/redis';
import { startWorkerRuntime, workQueueNames, type WorkerRuntime } from '@reauth/worker';
import { adminAccess } from './admin.js';
import { startCore } from './core.js';
import { observe } from './observability.js';
import { startSchedules } from './scheduler.js';

export interface RunningRoles {
  /** Where the ingress listens, when it runs. */
  ingressUrl?: string;
  dashboardUrl?: string;
  /** Where /metrics, /healthz and /readyz are served when METRICS_PORT is set. */
  metricsUrl?: string;
  /** Drain, finish or hand back work within SHUTDOWN_TIMEOUT_MS, close every connection. */
  stop(): Promise<void>;
}

/**
 * How long an ingress waits for Redis before it listens anyway: it takes traffic once Redis is
 * ready, but a cold start with Redis down must still come up to answer /healthz, 503 or spooled.
 */
export const INGRESS_STARTUP_WAIT_MS = 5_000;

/**
 * Starts the given roles in this process, sharing one set of Redis connections. `env` is the
 * environment `config` was parsed from: each provider that is on narrows its own settings from it.
 */
export async function runRoles(config: Config, roles: readonly Role[], log: Logger, env: Record<string, string | undefined>): Promise<RunningRoles> {
  const target = redisTarget(config);
  const commands = createRedis(target, 'command', 'reauth-commands');
  const queues = openQueues({ target, prefix: config.REDIS_PREFIX, queues: workQueueNames, tuning: queueTuning(config) });
  const observed = observe({ queues, log, metricsToken: config.METRICS_TOKEN });
  const core = startCore(config, env, { redis: commands, queues, hooks: observed.core });
  observed.watch(core.store);
  if (roles.includes('notify')) core.templates();
  const closers: Array<() => Promise<void>> = [];
  // A provider's stages run only where the provider is on: with Tray off, its roles have nothing to do.
  const declared = new Set(core.modules.flatMap((m) => Object.keys(m.queues)));
  const workQueues = roles.filter((r) => declared.has(r));
  const idle = roles.filter((r) => workQueueNames.includes(r) && !declared.has(r));
  if (idle.length > 0) log.warn({ roles: idle }, 'roles of providers that are off: not started');
  let runtime: WorkerRuntime | undefined;
  // Set before any port listens: a process is ready once all its roles are, workers included.
  if (workQueues.length > 0) observed.readiness.require(() => runtime?.running() ?? false);

  let ingressUrl: string | undefined;
  if (roles.includes('ingress')) {
    const redisReady = await whenReady(queues.connection, INGRESS_STARTUP_WAIT_MS);
    if (!redisReady) log.warn({ waitedMs: INGRESS_STARTUP_WAIT_MS }, 'Redis is not ready; the ingress listens without it');
    const spool: Spool | undefined = config.INGRESS_SPOOL_DIR
      ? await startSpool({
          dir: config.INGRESS_SPOOL_DIR,
          maxBytes: config.INGRESS_SPOOL_MAX_BYTES,
          connection: queues.connection,
          intakes: core.intakes,
          timeoutMs: ENQUEUE_TIMEOUT_MS,
          log,
        })
      : undefined;
    const ingress = createIngress({
      queues,
      intakes: core.intakes,
      signer: core.signer(),
      store: core.store,
      providers: core.runtimes,
      log: log.child({ role: 'ingress' }),
      readiness: observed.readiness,
      brand: brandOf(config),
      ...(spool ? { spool } : {}),
      ...observed.ingress,
    });
    const server = await listen(createIngressServer(ingress.app), config.PORT);
    ingressUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    log.info({ url: ingressUrl }, 'ingress listening');
    closers.push(async () => {
      ingress.drain();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await spool?.close();
    });
  }

  let dashboardUrl: string | undefined;
  if (roles.includes('dashboard')) {
    const access = adminAccess(config);
    const dashboard = createDashboard({
      queues,
      store: core.store,
      credentials: access.credentials,
      readOnly: config.ADMIN_READ_ONLY,
      readiness: observed.readiness,
      log: log.child({ role: 'dashboard' }),
      loginStore: { redis: commands, prefix: config.REDIS_PREFIX },
      intakes: core.intakes,
    });
    const server = await listen(createServer(dashboard), config.ADMIN_PORT, access.host);
    dashboardUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    log.info({ url: dashboardUrl, readOnly: config.ADMIN_READ_ONLY }, 'dashboard listening');
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  }

  if (workQueues.length > 0) {
    const connection = createRedis(target, 'worker', 'reauth-worker');
    runtime = await startWorkerRuntime({
      queues: workQueues,
      modules: core.modules,
      queueSet: queues,
      connection,
      prefix: config.REDIS_PREFIX,
      tuning: queueTuning(config),
      log: log.child({ role: 'worker' }),
      onJobDone: observed.onJobDone,
    });
    await startSchedules(queues, core.schedules, workQueues);
    const started = runtime;
    closers.push(async () => {
      await started.close(config.SHUTDOWN_TIMEOUT_MS);
      await connection.quit().catch(() => connection.disconnect());
    });
  }

  // Every process, the ingress included, serves its metrics on METRICS_PORT when set.
  const metricsServer =
    config.METRICS_PORT !== undefined
      ? await startMetricsServer({ port: config.METRICS_PORT, registry: observed.metrics.registry, readiness: observed.readiness })
      : undefined;

  return {
    ...(ingressUrl ? { ingressUrl } : {}),
    ...(dashboardUrl ? { dashboardUrl } : {}),
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    async stop() {
      observed.readiness.drain();
      // Ingress first (stop intake), then workers, then the shared connections.
      for (const close of closers) await close();
      await observed.flush();
      await metricsServer?.close();
      core.close();
      await queues.close();
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}

function listen(server: Server, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
