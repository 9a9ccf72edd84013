// The root package links no workspace package (pnpm is strict), so the bench reaches reauth's
// packages by path; `--conditions=@reauth/source` makes their own imports resolve to the same files.
export { parseConfig, queueTuning, redisTarget, type Config } from '../../packages/config/src/index.js';
export { createRedis, freePort, type RedisClient } from '../../packages/redis/src/index.js';
export { openQueues, type QueueSet } from '../../packages/queues/src/index.js';
export { workQueueNames } from '../../apps/worker/src/index.js';
export { enqueueExpiredAuth, trayEmail, trayExpiredAuthSchema, type TrayExpiredAuth } from '../../packages/tray/src/index.js';
export { brandOf, loadEmailTemplates } from '../../packages/email/src/index.js';
export { createNotifications } from '../../packages/notification/src/index.js';
export {
  expectedSweep,
  mixedUsers,
  startContactsServer,
  startFakeJourneyApps,
  startFakeTray,
  startLocalWorld,
  startRedisServer,
  startSmtpCapture,
  type FakeTray,
  type RedisServer,
  type SmtpCapture,
} from '../../packages/testkit/src/index.js';
