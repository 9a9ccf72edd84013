/**
 * autocannon in a process of its own: the bench process also hosts the fake Tray and the SMTP
 * capture, and a load generator sharing their event loop would send slower and time latency wrong.
 * Answers each `{ id, options }` message with `{ id, result }` (or `{ id, error }`).
 */
import { postWebhooks, type LoadOptions } from '../lib/load.js';

process.on('message', (msg: { id: number; options: LoadOptions }) => {
  postWebhooks(msg.options).then(
    (result) => process.send?.({ id: msg.id, result }),
    (err: Error) => process.send?.({ id: msg.id, error: err.message }),
  );
});
process.on('SIGTERM', () => process.exit(0));
process.send?.({ ready: true });
