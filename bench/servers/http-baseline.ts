/**
 * P1's yardsticks, each in its own process like the ingress it is compared with. `ceiling`: the
 * bare Express route that parses and validates Tray's payload and answers 200. `peer`: the same
 * route awaiting a plain `queue.add` before answering. `truelayer-peer`: a route that verifies the
 * consent's Standard Webhooks signature on the exact bytes, validates it and awaits `queue.add`.
 * Env: PORT, REDIS_URL for the peers, WEBHOOK_SECRET for `truelayer-peer`.
 */
import type { IncomingMessage, Server } from 'node:http';
import { CONSENTS_PATH, WEBHOOK_PATH } from '../lib/load.js';
import { Queue, Webhook, express } from '../lib/vendor.js';
import { consentSchema, createRedis, trayExpiredAuthSchema } from '../lib/workspace.js';

const modes = ['ceiling', 'peer', 'truelayer-peer'] as const;
const mode = modes.find((m) => m === process.argv[2]);
if (!mode) throw new Error(`usage: http-baseline.ts ${modes.join('|')}`);

const connection = mode === 'ceiling' ? undefined : createRedis({ url: process.env.REDIS_URL ?? '' }, 'producer', `bench-${mode}`);
const queue = connection ? new Queue(mode === 'peer' ? 'token-lookup' : 'truelayer-consents', { connection }) : undefined;

const app = express();
if (mode === 'truelayer-peer') {
  const webhook = new Webhook(process.env.WEBHOOK_SECRET ?? '');
  const raw = new WeakMap<IncomingMessage, Buffer>();
  const headers = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
  app.post(CONSENTS_PATH, express.json({ verify: (req, _res, buf) => raw.set(req, buf) }), async (req, res) => {
    try {
      webhook.verify(raw.get(req) ?? Buffer.alloc(0), Object.fromEntries(headers.map((h) => [h, req.header(h) ?? ''])));
    } catch {
      return res.status(401).json({ error: 'bad signature' });
    }
    const parsed = consentSchema.safeParse(req.body);
    if (!parsed.success) return res.status(400).json({ error: 'invalid' });
    await queue?.add('truelayer.consent', parsed.data);
    res.status(200).json({ status: 'accepted' });
  });
} else {
  app.post(WEBHOOK_PATH, express.json(), async (req, res) => {
    const parsed = trayExpiredAuthSchema.safeParse(req.body);
    if (!parsed.success) return res.status(400).json({ error: 'invalid' });
    if (queue) await queue.add('tray.token-lookup', parsed.data);
    res.status(200).json({ status: 'accepted' });
  });
}

const server: Server = app.listen(Number(process.env.PORT), () => process.send?.({ ready: true }));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void Promise.resolve(queue?.close())
    .then(() => connection?.quit())
    .finally(() => process.exit(0));
});
