// The root package links no workspace package (pnpm is strict), so the bench reaches reauth's
// packages by path; `--conditions=@reauth/source` makes their own imports resolve to the same files.
export { parseConfig, queueTuning, redisTarget, type Config } from '../../packages/config/src/index.js';
export { createRedis, freePort, type RedisClient } from '../../packages/redis/src/index.js';
export { openQueues, type QueueSet } from '../../packages/queues/src/index.js';
export { workQueueNames } from '../../apps/worker/src/index.js';
export { enqueueExpiredAuth, trayEmail, trayExpiredAuthSchema, trayRecord, type TrayExpiredAuth } from '../../packages/tray/src/index.js';
export { consentSchema } from '../../packages/truelayer/src/index.js';
export { brandOf, loadEmailTemplates } from '../../packages/email/src/index.js';
export { createNotifications, type Notifications } from '../../packages/notification/src/index.js';
export { createLinkSigner } from '../../packages/links/src/index.js';
export {
  expectedSweep,
  mixedUsers,
  postSigned,
  readFormKey,
  startContactsServer,
  startFakeJourneyApps,
  startFakeTray,
  startFakeTrueLayer,
  startLocalWorld,
  startRedisServer,
  startSmtpCapture,
  webhookSecret,
  type FakeTray,
  type FakeTrueLayer,
  type RedisServer,
  type SmtpCapture,
} from '../../packages/testkit/src/index.js';
