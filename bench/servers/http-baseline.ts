/**
 * P1's yardsticks, each in its own process like the ingress it is compared with. `ceiling`: the
 * bare Express route that parses and validates Tray's payload and answers 200. `peer`: the same
 * route awaiting a plain `queue.add` before answering. Env: PORT, and REDIS_URL for `peer`.
 */
import type { Server } from 'node:http';
import { Queue, express } from '../lib/vendor.js';
import { createRedis, trayExpiredAuthSchema } from '../lib/workspace.js';

const mode = process.argv[2];
if (mode !== 'ceiling' && mode !== 'peer') throw new Error('usage: http-baseline.ts ceiling|peer');

const connection = mode === 'peer' ? createRedis({ url: process.env.REDIS_URL ?? '' }, 'producer', 'bench-peer') : undefined;
const queue = connection ? new Queue('token-lookup', { connection }) : undefined;

const app = express();
app.post('/webhooks/tray/expired-auth', express.json(), async (req, res) => {
  const parsed = trayExpiredAuthSchema.safeParse(req.body);
  if (!parsed.success) return res.status(400).json({ error: 'invalid' });
  if (queue) await queue.add('tray.token-lookup', parsed.data);
  res.status(200).json({ status: 'accepted' });
});

const server: Server = app.listen(Number(process.env.PORT), () => process.send?.({ ready: true }));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void Promise.resolve(queue?.close())
    .then(() => connection?.quit())
    .finally(() => process.exit(0));
});
