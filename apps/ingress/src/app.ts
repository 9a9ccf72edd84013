import { createServer, type Server } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { brandOf, type Brand } from '@reauth/email';
import type { LinkSigner } from '@reauth/links';
import type { Logger } from '@reauth/logger';
import { createReadiness, healthRouter, type Readiness } from '@reauth/metrics';
import type { Intake, Notifications, ProviderRuntime } from '@reauth/notification';
import type { QueueSet } from '@reauth/queues';
import { landingRouter } from './landing.js';
import { requestLog } from './request-log.js';
import type { Spool } from './spool.js';
import { answerDraining, webhookHandlers } from './webhook.js';

export interface IngressOptions {
  queues: QueueSet;
  /** Every provider intake that is on. */
  intakes: readonly Intake[];
  signer: LinkSigner;
  store: Notifications;
  providers: ReadonlyMap<string, ProviderRuntime>;
  log: Logger;
  /** Every webhook's outcome: the answer's status (accepted, duplicate, renewed, …), spooled, unavailable, or rejected with the reason. */
  onWebhook?: (outcome: string, reason?: string) => void;
  /** Every landing-page outcome (viewed, redirected, completed, rejected-…), with its provider. */
  onLinkClick?: (outcome: string, provider?: string) => void;
  /** Serves GET /metrics when given (the caller decides who may read it). */
  metrics?: RequestHandler | RequestHandler[];
  /** The process's readiness, when other roles share it; by default Redis answering and not draining. */
  readiness?: Readiness;
  /** Takes webhooks Redis cannot take in time (INGRESS_SPOOL_DIR). */
  spool?: Spool;
  /** The landing page's brand (BRAND_*, SUPPORT_URL); the default colour and no name otherwise. */
  brand?: Brand;
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

  // Answers are per request, so an ETag (a SHA-1 of every body) would never be matched.
  app.set('etag', false);

  app.use(requestLog(options.log));

  // Webhooks first: they are the traffic, and each layer before them is walked on every one.
  for (const intake of options.intakes) {
    app.post(
      intake.path,
      ...webhookHandlers({
        queues: options.queues,
        intake,
        log: options.log,
        draining: () => draining,
        ...(options.spool ? { spool: options.spool } : {}),
        ...(options.onWebhook ? { onOutcome: options.onWebhook } : {}),
      }),
    );
  }

  app.use(healthRouter(readiness));
  if (options.metrics) app.get('/metrics', options.metrics);

  app.use((_req, res, next) => (draining ? answerDraining(res) : next()));

  app.use(
    landingRouter({
      signer: options.signer,
      store: options.store,
      providers: options.providers,
      log: options.log,
      brand: options.brand ?? brandOf({}),
      ...(options.onLinkClick ? { onOutcome: options.onLinkClick } : {}),
    }),
  );

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
