/**
 * autocannon in a process of its own: the bench process also hosts the fake Tray and the SMTP
 * capture, and a load generator sharing their event loop would send slower and time latency wrong.
 * Answers each `{ id, webhooks }` or `{ id, clicks }` message with `{ id, result }` (or `{ id, error }`).
 */
import { postWebhooks, pressButtons, type ClickOptions, type LoadOptions } from '../lib/load.js';

type Request = { id: number; webhooks: LoadOptions } | { id: number; clicks: ClickOptions };

process.on('message', (msg: Request) => {
  const run = 'webhooks' in msg ? postWebhooks(msg.webhooks) : pressButtons(msg.clicks);
  run.then(
    (result) => process.send?.({ id: msg.id, result }),
    (err: Error) => process.send?.({ id: msg.id, error: err.message }),
  );
});
process.on('SIGTERM', () => process.exit(0));
process.send?.({ ready: true });
