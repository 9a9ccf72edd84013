import express, { type Router } from 'express';
import { redactSecrets, type Logger } from '@reauth/logger';
import { z } from 'zod';
import { REPORTS_KEPT, filterSchema, isOpen, replayEntry, type Notifications } from '@reauth/notification';
import { getDeadLetter, listDeadLetters, type QueueSet } from '@reauth/queues';

export interface ApiOptions {
  queues: QueueSet;
  store: Notifications;
  log: Logger;
}

/** The admin JSON API; the replay and resolve routes also serve the notification page's forms. */
export function adminApi({ queues, store, log }: ApiOptions): Router {
  const router = express.Router();
  router.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const backToPage = (req: express.Request, res: express.Response, id: string, json: object) => {
    if (req.accepts(['json', 'html']) === 'html') res.redirect(303, `/notifications/${encodeURIComponent(id)}`);
    else res.json(json);
  };

  // ?provider=tray&state=opened&authId=… : any key but provider, state, limit and cursor is a provider id.
  router.get('/api/notifications', async (req, res) => {
    const query = Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    const filter = filterSchema.safeParse(query);
    const idFilters = Object.keys(query).filter((k) => !['provider', 'state', 'limit', 'cursor'].includes(k));
    if (!filter.success || (idFilters.length > 0 && !query.provider)) {
      const issues = filter.success ? [{ path: idFilters[0] ?? '', message: 'filtering by a provider id needs ?provider=' }] : filter.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      res.status(400).json({ error: 'invalid filter', issues });
      return;
    }
    res.json(await store.list(filter.data));
  });

  router.get('/api/notifications/:id', async (req, res) => {
    const detail = await store.detail(req.params.id);
    if (!detail) res.status(404).json({ error: 'no such notification (unknown, or older than HISTORY_DAYS)' });
    else res.json(detail);
  });

  // A provider's run reports, newest first (JourneyApps: one per sweep, failed ones included).
  router.get('/api/reports/:provider', async (req, res) => {
    const limit = z.coerce.number().int().min(1).max(REPORTS_KEPT).default(50).safeParse(req.query.limit);
    if (!limit.success) return void res.status(400).json({ error: 'invalid limit', issues: limit.error.issues.map((i) => ({ path: 'limit', message: i.message })) });
    res.json({ items: await store.reports(req.params.provider, limit.data) });
  });

  router.get('/api/funnel', async (_req, res) => {
    res.json(await store.funnel());
  });

  router.post('/api/notifications/:id/resolve', async (req, res) => {
    const record = await store.get(req.params.id);
    if (!record) {
      res.status(404).json({ error: 'no such notification' });
      return;
    }
    if (!isOpen(record.state)) {
      res.status(409).json({ error: `already ended: ${record.state}` });
      return;
    }
    const moved = await store.move(record.id, { to: 'completed', reason: 'resolved by an admin', event: { kind: 'completed', detail: 'resolved by an admin' } });
    log.info({ notificationId: record.id }, 'notification resolved from the dashboard');
    backToPage(req, res, record.id, { id: record.id, state: moved?.after });
  });

  router.get('/api/dead-letter', async (_req, res) => {
    res.json({ items: (await listDeadLetters(queues)).map((entry) => redactSecrets(entry)) });
  });

  router.post('/api/dead-letter/:id/replay', async (req, res) => {
    const entry = await getDeadLetter(queues, req.params.id);
    if (!entry) {
      res.status(404).json({ error: 'no such dead-letter entry' });
      return;
    }
    // A second replay would run the stage twice; the first one is linked from the entry.
    if (entry.replayJobId) {
      res.status(409).json({ error: 'already replayed', replayJobId: entry.replayJobId });
      return;
    }
    const { replayJobId, notificationId } = await replayEntry(queues, store, entry.id);
    log.info({ deadLetterId: entry.id, replayJobId }, 'dead-letter entry replayed from the dashboard');
    if (notificationId) backToPage(req, res, notificationId, { id: entry.id, replayJobId });
    else res.json({ id: entry.id, replayJobId });
  });

  return router;
}
