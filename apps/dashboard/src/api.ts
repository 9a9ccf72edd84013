import express, { type Router } from 'express';
import { z } from 'zod';
import type { ErrorAnswer } from '@reauth/ingress';
import { redactSecrets, type Logger } from '@reauth/logger';
import { REPORTS_KEPT, filterSchema, isOpen, notificationStates, replayEntry, type Notifications } from '@reauth/notification';
import { getDeadLetter, listDeadLetters, type QueueSet } from '@reauth/queues';

/** The API's own answers; the description of the API is generated from these. */
export const resolvedSchema = z.object({ id: z.string(), state: z.enum(notificationStates).optional() });
export const replayedSchema = z.object({ id: z.string(), replayJobId: z.string() });
export const reportsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(REPORTS_KEPT).default(50) });
/** A provider's run reports as it wrote them (a JourneyApps sweep: counts by outcome, see SweepReport). */
export const reportsSchema = z.object({ items: z.array(z.record(z.string(), z.unknown())) });
export const alreadyReplayedSchema = z.object({ error: z.string(), replayJobId: z.string() });

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
      res.status(400).json({ error: 'invalid filter', issues } satisfies ErrorAnswer);
      return;
    }
    res.json(await store.list(filter.data));
  });

  router.get('/api/notifications/:id', async (req, res) => {
    const detail = await store.detail(req.params.id);
    if (!detail) res.status(404).json({ error: 'no such notification (unknown, or older than HISTORY_DAYS)' } satisfies ErrorAnswer);
    else res.json(detail);
  });

  // A provider's run reports, newest first (JourneyApps: one per sweep, failed ones included).
  router.get('/api/reports/:provider', async (req, res) => {
    const query = reportsQuerySchema.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ error: 'invalid limit', issues: query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } satisfies ErrorAnswer);
    res.json({ items: await store.reports(req.params.provider, query.data.limit) } satisfies z.infer<typeof reportsSchema>);
  });

  router.get('/api/funnel', async (_req, res) => {
    res.json(await store.funnel());
  });

  router.post('/api/notifications/:id/resolve', async (req, res) => {
    const record = await store.get(req.params.id);
    if (!record) {
      res.status(404).json({ error: 'no such notification' } satisfies ErrorAnswer);
      return;
    }
    if (!isOpen(record.state)) {
      res.status(409).json({ error: `already ended: ${record.state}` } satisfies ErrorAnswer);
      return;
    }
    const moved = await store.move(record.id, { to: 'completed', reason: 'resolved by an admin', event: { kind: 'completed', detail: 'resolved by an admin' } });
    log.info({ notificationId: record.id }, 'notification resolved from the dashboard');
    backToPage(req, res, record.id, { id: record.id, ...(moved ? { state: moved.after } : {}) } satisfies z.infer<typeof resolvedSchema>);
  });

  router.get('/api/dead-letter', async (_req, res) => {
    res.json({ items: (await listDeadLetters(queues)).map((entry) => redactSecrets(entry)) });
  });

  router.post('/api/dead-letter/:id/replay', async (req, res) => {
    const entry = await getDeadLetter(queues, req.params.id);
    if (!entry) {
      res.status(404).json({ error: 'no such dead-letter entry' } satisfies ErrorAnswer);
      return;
    }
    // A second replay would run the stage twice; the first one is linked from the entry.
    if (entry.replayJobId) {
      res.status(409).json({ error: 'already replayed', replayJobId: entry.replayJobId } satisfies z.infer<typeof alreadyReplayedSchema>);
      return;
    }
    const { replayJobId, notificationId } = await replayEntry(queues, store, entry.id);
    log.info({ deadLetterId: entry.id, replayJobId }, 'dead-letter entry replayed from the dashboard');
    const replayed: z.infer<typeof replayedSchema> = { id: entry.id, replayJobId };
    if (notificationId) backToPage(req, res, notificationId, replayed);
    else res.json(replayed);
  });

  return router;
}
