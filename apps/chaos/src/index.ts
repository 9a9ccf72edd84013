/**
 * @reauth/chaos owns breaking reauth on purpose: it runs reauth roles as separate OS processes
 * against a real Redis (AOF on), the fake Tray, an SMTP capture and a contacts directory; delivers
 * webhooks the way Tray does (retrying 503s); SIGKILLs and restarts workers, restarts Redis and
 * the ingress; and then accounts for every accepted webhook as exactly one email, one dead-letter
 * entry or one skip by design (`pnpm chaos`). The reliability tests reuse the same harness.
 */
export { startReauth, runReauthCommand, repoRoot, type ReauthProcess, type Exit } from './processes.js';
export { startWorld, type World, type WorldOptions, type Secrets } from './world.js';
export { deliverWebhook, WebhookRejectedError, type Delivery } from './webhooks.js';
export { startHttpProxy, type HttpProxy, type Exchange, type CannedAnswer } from './http-proxy.js';
export { dumpRedis, readAof } from './redis-dump.js';
export { waitForQuiescence, pendingJobs } from './quiescence.js';
export { eventually } from '@reauth/testkit';
export { addUser, addAuth, type UserFixture, type AuthFixture } from './fixtures.js';
export { runChaos, chaosFailures, verdict, type ChaosOptions, type ChaosReport } from './chaos.js';
export { buildLedger, deadLetterKind, type Ledger, type Intended } from './ledger.js';
export { formatReport } from './report.js';
