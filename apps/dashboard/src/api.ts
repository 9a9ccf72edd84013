import express, { type Router } from 'express';
import { historyFilterSchema, notificationOfJob, type NotificationHistory } from '@reauth/history';
import { redactSecrets, type Logger } from '@reauth/logger';
import { getDeadLetter, listDeadLetters, replayDeadLetter, type QueueSet } from '@reauth/queues';

export interface ApiOptions {
  queues: QueueSet;
  history: NotificationHistory;
  log: Logger;
}

/** The admin JSON API; the replay route also serves the notification page's form. */
export function adminApi({ queues, history, log }: ApiOptions): Router {
  const router = express.Router();
  router.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/api/notifications', async (req, res) => {
    const filter = historyFilterSchema.safeParse(req.query);
    if (!filter.success) {
      res.status(400).json({ error: 'invalid filter', issues: filter.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      return;
    }
    res.json(await history.list(filter.data));
  });

  router.get('/api/notifications/:id', async (req, res) => {
    const detail = await history.get(req.params.id);
    if (!detail) res.status(404).json({ error: 'no such notification (unknown, or older than HISTORY_DAYS)' });
    else res.json(detail);
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
    const notification = notificationOfJob(entry.data);
    // A second replay would run the stage twice; the first one is linked from the entry.
    if (entry.replayJobId) {
      res.status(409).json({ error: 'already replayed', replayJobId: entry.replayJobId });
      return;
    }
    const replayJobId = await replayDeadLetter(queues, entry.id);
    log.info({ deadLetterId: entry.id, replayJobId }, 'dead-letter entry replayed from the dashboard');
    if (notification) {
      await history
        .record(notification.id, notification.subject, { kind: 'replayed', queue: entry.sourceQueue, jobId: replayJobId, detail: `replay of ${entry.id}` })
        .catch((err: Error) => log.warn({ deadLetterId: entry.id, err: err.message }, 'could not record the replay in history'));
    }
    // The notification page posts a plain form: send the browser back to the timeline.
    if (notification && req.accepts(['json', 'html']) === 'html') res.redirect(303, `/notifications/${encodeURIComponent(notification.id)}`);
    else res.json({ id: entry.id, replayJobId });
  });

  return router;
}
