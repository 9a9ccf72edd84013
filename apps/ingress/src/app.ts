import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { LinkClaims } from '@reauth/links';
import { redactUrl, type Logger } from '@reauth/logger';
import { createReadiness, healthRouter, type Readiness } from '@reauth/metrics';
import type { QueueSet } from '@reauth/queues';
import type { ReauthLinks, TrayClient, TrayExpiredAuth } from '@reauth/tray';
import { reauthLinkRouter } from './reauth-link.js';
import type { Spool } from './spool.js';
import { webhookRouter } from './webhook.js';

export interface IngressOptions {
  queues: QueueSet;
  webhookToken: string;
  dedupeWindowMs: number;
  links: ReauthLinks;
  tray: Pick<TrayClient, 'generateAuthorizationCode'>;
  log: Logger;
  /** Every webhook's outcome; accepted and duplicate ones with the notification they belong to. */
  onWebhook?: (outcome: string, notification?: { id: string; auth: TrayExpiredAuth }) => void;
  /** Every click's outcome; clicks on a valid link with its claims. */
  onLinkClick?: (outcome: string, claims?: LinkClaims) => void;
  /** Serves GET /metrics when given. */
  metrics?: RequestHandler;
  /** The process's readiness, when other roles share it; by default Redis answering and not draining. */
  readiness?: Readiness;
  /** Takes webhooks Redis cannot take in time (INGRESS_SPOOL_DIR). */
  spool?: Spool;
}

export interface Ingress {
  app: Express;
  /** Stop taking new requests (503) while in-flight ones finish. */
  drain(): void;
}

export function createIngress(options: IngressOptions): Ingress {
  const app = express();
  let draining = false;
  const readiness = options.readiness ?? createReadiness(() => options.queues.connection.ping());
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

  app.use(healthRouter(readiness));
  if (options.metrics) app.get('/metrics', options.metrics);

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
      ...(options.spool ? { spool: options.spool } : {}),
      ...(options.onWebhook ? { onOutcome: options.onWebhook } : {}),
    }),
  );
  app.use(reauthLinkRouter({ links: options.links, tray: options.tray, ...(options.onLinkClick ? { onOutcome: options.onLinkClick } : {}) }));

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
      readiness.drain();
    },
  };
}

/**
 * The ingress's HTTP server, with a slow-loris defence: a client gets five seconds for its headers
 * and ten for the whole request. Node checks those timeouts every `connectionsCheckingInterval`
 * (30 s by default) and reads it only when the server starts, so it is set here, at creation.
 */
export function createIngressServer(app: Express): Server {
  const server = createServer({ headersTimeout: 5_000, requestTimeout: 10_000, connectionsCheckingInterval: 1_000, keepAliveTimeout: 5_000 }, app);
  server.maxHeadersCount = 100;
  return server;
}
