import type { Express } from 'express';
import type { Server } from 'node:http';
import { queueTuning, redisTarget, type Config, type Role } from '@reauth/config';
import { createIngress, hardenServer } from '@reauth/ingress';
import type { Logger } from '@reauth/logger';
import { isWorkQueue, openQueues, type WorkQueueName } from '@reauth/queues';
import { createRedis } from '@reauth/redis';
import { trayServicesFromConfig } from '@reauth/tray';
import { allProcessors, startWorkerRuntime, type WorkerRuntime } from '@reauth/worker';

export interface RunningRoles {
  /** Where the ingress listens, when it runs. */
  ingressUrl?: string;
  /** Drain, finish or hand back work within SHUTDOWN_TIMEOUT_MS, close every connection. */
  stop(): Promise<void>;
}

/** Starts the given roles in this process, sharing one set of Redis connections. */
export async function runRoles(config: Config, roles: readonly Role[], log: Logger): Promise<RunningRoles> {
  const target = redisTarget(config);
  const commands = createRedis(target, 'command', 'reauth-commands');
  const queues = openQueues({ target, prefix: config.REDIS_PREFIX, tuning: queueTuning(config) });
  const services = trayServicesFromConfig(config, commands);
  const closers: Array<() => Promise<void>> = [];

  let ingressUrl: string | undefined;
  if (roles.includes('ingress')) {
    const ingress = createIngress({
      queues,
      webhookToken: config.WEBHOOK_TOKEN as string,
      dedupeWindowMs: config.DEDUPE_WINDOW_HOURS * 3_600_000,
      links: services.links(),
      tray: services.tray(),
      log: log.child({ role: 'ingress' }),
    });
    const server: Server = hardenServer(await listen(ingress.app, config.PORT));
    ingressUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    log.info({ url: ingressUrl }, 'ingress listening');
    closers.push(async () => {
      ingress.drain();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  }

  const workQueues = roles.filter((r): r is WorkQueueName => isWorkQueue(r));
  let runtime: WorkerRuntime | undefined;
  if (workQueues.length > 0) {
    const connection = createRedis(target, 'worker', 'reauth-worker');
    runtime = await startWorkerRuntime({
      queues: workQueues,
      processors: allProcessors({ tray: services }),
      queueSet: queues,
      connection,
      prefix: config.REDIS_PREFIX,
      tuning: queueTuning(config),
      log: log.child({ role: 'worker' }),
    });
    const started = runtime;
    closers.push(async () => {
      await started.close(config.SHUTDOWN_TIMEOUT_MS);
      await connection.quit().catch(() => connection.disconnect());
    });
  }

  return {
    ...(ingressUrl ? { ingressUrl } : {}),
    async stop() {
      // Ingress first (stop intake), then workers, then the shared connections.
      for (const close of closers) await close();
      services.close();
      await queues.close();
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}

function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}
