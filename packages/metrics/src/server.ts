import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Registry } from 'prom-client';
import { healthRouter, metricsHandler, type Readiness } from './health.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics`, `/healthz` and `/readyz` on METRICS_PORT, nothing else, for any process that sets it:
 * workers and the dashboard have no port of their own for it, and the ingress's public port serves
 * /metrics only with METRICS_TOKEN. Port 0 takes a free port.
 */
export async function startMetricsServer(options: { port: number; host?: string; registry: Registry; readiness: Readiness }): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(options.readiness));
  app.get('/metrics', metricsHandler(options.registry));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const done = (err?: Error) => (err ? reject(err) : resolve(listening));
    const listening = options.host ? app.listen(options.port, options.host, done) : app.listen(options.port, done);
  });
  server.keepAliveTimeout = 5_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection would otherwise hold close() for its idle timeout.
        server.closeIdleConnections();
      }),
  };
}
