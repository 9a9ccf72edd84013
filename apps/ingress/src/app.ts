import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { redactUrl, type Logger } from '@reauth/logger';
import type { QueueSet } from '@reauth/queues';
import type { ReauthLinks, TrayClient } from '@reauth/tray';
import { reauthLinkRouter } from './reauth-link.js';
import { webhookRouter } from './webhook.js';

export interface IngressOptions {
  queues: QueueSet;
  webhookToken: string;
  dedupeWindowMs: number;
  links: ReauthLinks;
  tray: Pick<TrayClient, 'generateAuthorizationCode'>;
  log: Logger;
  onWebhook?: (outcome: string) => void;
  onLinkClick?: (outcome: string) => void;
}

export interface Ingress {
  app: Express;
  /** Stop taking new requests (503) while in-flight ones finish. */
  drain(): void;
}

export function createIngress(options: IngressOptions): Ingress {
  const app = express();
  let draining = false;
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');

  app.use(
    pinoHttp({
      logger: options.log,
      genReqId: (req, res) => {
        const id = (typeof req.headers['x-request-id'] === 'string' && /^[\w-]{1,64}$/.test(req.headers['x-request-id']) && req.headers['x-request-id']) || randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      },
      // One line per webhook is written by the handler itself (with its outcome); a second
      // access-log line per request would double log volume at webhook rates.
      autoLogging: false,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (draining) return res.status(503).json({ status: 'draining' });
    try {
      await Promise.race([
        options.queues.connection.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000).unref()),
      ]);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'redis-unreachable' });
    }
  });

  app.use((_req, res, next) => {
    if (!draining) return next();
    res.set('Connection', 'close').status(503).json({ error: 'shutting down, retry later' });
  });

  app.use(
    webhookRouter({
      queues: options.queues,
      webhookToken: options.webhookToken,
      dedupeWindowMs: options.dedupeWindowMs,
      log: options.log,
      ...(options.onWebhook ? { onOutcome: options.onWebhook } : {}),
    }),
  );
  app.use(reauthLinkRouter({ links: options.links, tray: options.tray, log: options.log, ...(options.onLinkClick ? { onOutcome: options.onLinkClick } : {}) }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Last resort: never leak a stack trace to a caller.
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    options.log.error({ err: err.message }, 'unhandled request error');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  });

  return {
    app,
    drain() {
      draining = true;
    },
  };
}

/** Slow-loris defence: a client gets a few seconds for headers and ten for the whole request. */
export function hardenServer(server: Server): Server {
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  return server;
}
