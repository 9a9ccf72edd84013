import express, { type Express } from 'express';
import { filterSchema, type Intake, type Notifications } from '@reauth/notification';
import type { Logger } from '@reauth/logger';
import { healthRouter, type Readiness } from '@reauth/metrics';
import { getDeadLetter, type DeadLetterView, type QueueSet } from '@reauth/queues';
import { adminApi } from './api.js';
import { basicAuth, type Credentials, type LoginLimit, type LoginLimitStore } from './auth.js';
import { BOARD_PATH, bullBoard } from './board.js';
import { readOnlyGuard, sameOrigin, securityHeaders } from './guards.js';
import { openApiDocument } from './openapi.js';
import { PAGE_CSP, notFoundPage, notificationPage, notificationsPage, type ListFilters } from './pages.js';

export interface DashboardOptions {
  queues: QueueSet;
  store: Notifications;
  credentials: Credentials;
  readOnly: boolean;
  readiness: Readiness;
  log: Logger;
  /** Failed logins are counted here, shared by every replica. */
  loginStore: LoginLimitStore;
  loginLimit?: LoginLimit;
  /** Every provider intake that is on, for the API description. */
  intakes: readonly Intake[];
}

/**
 * The admin app: health probes in the open; behind Basic auth, CSRF checks and (optionally)
 * read-only mode, Bull Board over every queue, the notification history pages, the JSON API and
 * the API description of both apps.
 */
export function createDashboard(options: DashboardOptions): Express {
  const { queues, store, readOnly, log } = options;
  const document = openApiDocument(options.intakes);
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(healthRouter(options.readiness));
  app.use(basicAuth(options.credentials, options.loginLimit ?? { failures: 10, windowMs: 15 * 60_000 }, options.loginStore, log));
  app.use(sameOrigin);
  if (readOnly) app.use(readOnlyGuard);

  app.get('/', (_req, res) => res.redirect(302, '/notifications'));
  app.use(BOARD_PATH, bullBoard(queues, readOnly));
  app.use(adminApi({ queues, store, log }));
  // Behind the login like the rest: it maps the admin API and the intakes for whoever reads it,
  // and the probes stay the only open routes.
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  app.get('/notifications', async (req, res) => {
    const filters: ListFilters = Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    const query = { ...(filters.provider ? { provider: filters.provider } : {}), ...(filters.state ? { state: filters.state } : {}), ...(filters.key && filters.value ? { [filters.key]: filters.value } : {}) };
    const filter = filterSchema.safeParse({ ...query, ...(typeof req.query.cursor === 'string' ? { cursor: req.query.cursor } : {}) });
    const usable = filter.success && (!filters.key || Boolean(filters.provider));
    const page = usable && filter.success ? await store.list(filter.data) : { items: [] };
    const funnel = await store.funnel();
    const runs = Object.fromEntries(await Promise.all(Object.keys(funnel).map(async (p) => [p, await store.reports(p, 5)] as const)));
    res.set('Content-Security-Policy', PAGE_CSP).type('html').send(notificationsPage(page, filters, funnel, readOnly, runs));
  });

  app.get('/notifications/:id', async (req, res) => {
    res.set('Content-Security-Policy', PAGE_CSP).type('html');
    const detail = await store.detail(req.params.id);
    if (!detail) return res.status(404).send(notFoundPage('No such notification (unknown, or older than HISTORY_DAYS).', readOnly));
    const entryIds = detail.events.flatMap((e) => (e.kind === 'dead-lettered' && e.jobId ? [e.jobId] : []));
    const entries = await Promise.all([...new Set(entryIds)].map((id) => getDeadLetter(queues, id)));
    const deadLetters = new Map(entries.filter((e): e is DeadLetterView => e !== undefined).map((e) => [e.id, e]));
    res.send(notificationPage(detail, deadLetters, readOnly));
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    log.error({ err: err.message }, 'dashboard request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  });
  return app;
}
