import { workQueueNames } from '@reauth/worker';
import { addAuth, addUser, type AuthFixture } from './fixtures.js';
import { buildLedger, type Intended, type Ledger } from './ledger.js';
import { Fleet } from './fleet.js';
import { pendingJobs, waitForQuiescence } from './quiescence.js';
import { deliverWebhook, type Delivery } from './webhooks.js';
import { startWorld, type World } from './world.js';

export interface ChaosOptions {
  /** Distinct notifications (one per expiring auth). */
  webhooks: number;
  /** Share of notifications Tray sends more than once. */
  duplicateRate: number;
  /** Separate OS processes per worker role. */
  workersPerRole: number;
  /** Webhooks delivered per second (Tray trickles them; a burst would end before any disruption). */
  sendRate: number;
  /** A random worker process is SIGKILLed this long after the previous replacement came up. */
  killEveryMs: number;
  /** The fake Tray's org rate limit; reauth's own budget is set above it, so Tray does answer "rate limit exceeded". */
  trayRps: number;
  /** Never SIGKILL a notify process (Redis and ingress restarts and other kills still happen): then no email may be doubled. */
  noNotifyKills?: boolean;
  timeoutMs: number;
  progress?: (line: string) => void;
}

export interface ChaosReport {
  options: ChaosOptions;
  ledger: Ledger;
  deliveries: number;
  answeredDuplicate: number;
  /** Deliveries that needed more than one POST (503, refused, timed out). */
  retriedDeliveries: number;
  /** Webhooks of one auth answered with different notification ids (dedupe broken). */
  inconsistentIds: number;
  /** Extra copies whose earlier copy came from a notify process that was SIGKILLed (the stated window). */
  explainedDuplicates: number;
  /** Extra copies that no notify SIGKILL explains: each fails the run. */
  unexplainedDuplicates: number;
  /** SMTP_POOL_SIZE of the run: one notify SIGKILL can double at most this many emails. */
  poolSize: number;
  /** Each duplicated notification: its copies' arrivals (ms since start) and senders, and the SIGKILLed notify process it ties to. */
  duplicates: Array<{ id: string; copies: Array<{ at: number; sender: string }>; killedSender: number | undefined }>;
  kills: Array<{ role: string; pid: number; at: number }>;
  redisDownMs: number;
  ingressRestarts: number;
  trayServerErrors: number;
  trayRateLimited: number;
  smtpRefusals: number;
  /** Processes that exited 0 on the final SIGTERM, out of those still running. */
  cleanExits: [number, number];
  durationMs: number;
}

/** The SMTP capture answers 550 to this address: a permanent failure at the last stage. */
const BOUNCE = 'bounce@customer.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Users and their auths: most get their email, the rest end as the permanent failures or skips named here. */
function seed(world: World, count: number): Array<{ auth: AuthFixture; intended: Intended }> {
  const plan: Array<{ auth: AuthFixture; intended: Intended }> = [];
  for (let i = 0; plan.length < count; i += 1) {
    const kind = i % 25;
    if (kind === 0) {
      plan.push({ auth: addAuth(world, addUser(world, { contact: false })), intended: 'no-contact' });
    } else if (kind === 1) {
      plan.push({ auth: addAuth(world, addUser(world, { inTray: false })), intended: 'unknown-user' });
    } else if (kind === 2) {
      const user = addUser(world);
      world.contacts.set(user.externalUserId, { email: BOUNCE });
      plan.push({ auth: addAuth(world, user), intended: 'bounce' });
    } else {
      // Three auths per ordinary user, so cached user tokens are shared; one auth in eight is unused.
      const user = addUser(world);
      for (let k = 0; k < 3 && plan.length < count; k += 1) {
        const used = plan.length % 8 !== 5;
        plan.push({ auth: addAuth(world, user, { used }), intended: used ? 'email' : 'skipped' });
      }
    }
  }
  return plan;
}

const POOL_SIZE = 5;

/** The pid in an `X-Reauth-Sender` header (`host:pid:random`). */
const senderPid = (sender: string) => Number(sender.split(':').at(-2));

/**
 * Ties each extra copy of a notification's email to what explains it: every copy but the last
 * left a process that then never wrote the sent marker, so that process must be a notify process
 * this run SIGKILLed. A copy from any other sender is unexplained.
 */
export function explainDuplicates(mails: World['smtp']['messages'], ids: string[], kills: ChaosReport['kills'], started: number) {
  const killedNotify = new Set(kills.filter((k) => k.role === 'notify').map((k) => k.pid));
  let explained = 0;
  let unexplained = 0;
  const duplicates = ids.map((id) => {
    const copies = mails
      .filter((m) => m.messageId === `<${id}@reauth>`)
      .map((m) => ({ at: m.receivedAt - started, sender: String(m.headers.get('x-reauth-sender') ?? '') }));
    let killedSender: number | undefined;
    for (const copy of copies.slice(0, -1)) {
      const pid = senderPid(copy.sender);
      if (killedNotify.has(pid)) {
        explained += 1;
        killedSender = pid;
      } else unexplained += 1;
    }
    return { id, copies, killedSender };
  });
  return { duplicates, explained, unexplained };
}

/**
 * The chaos run: deliver `webhooks` notifications (with duplicates) to reauth running as separate
 * processes while workers are SIGKILLed, Redis is restarted once and the ingress once; then wait
 * until nothing is left to do and account for every accepted notification.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.progress ?? (() => undefined);
  const started = Date.now();
  const world = await startWorld({
    tray: { rateLimit: { rps: options.trayRps, burst: options.trayRps } },
    smtp: { transientFailureRate: 0.2, rejectRecipients: [BOUNCE] },
    env: { TRAY_RATE_LIMIT_RPS: String(Math.ceil(options.trayRps * 1.25)), LOG_LEVEL: 'info', SMTP_POOL_SIZE: String(POOL_SIZE) },
  });
  world.tray.setFailureRate(0.1);
  const fleet = new Fleet(world.env, options.noNotifyKills ? ['notify'] : []);
  // Set when the run ends early (a failed delivery): the disruption loop must not outlive it.
  let over = false;
  try {
    const plan = seed(world, options.webhooks);
    say(`starting ${1 + options.workersPerRole * workQueueNames.length} reauth processes`);
    await fleet.start(options.workersPerRole);

    // Half of the second deliveries race the first one, half come seconds later.
    const again = new Map<string, number>();
    for (const { auth } of plan) if (Math.random() < options.duplicateRate) again.set(auth.authId, Math.random() < 0.5 ? 0 : 1_000 + Math.random() * 5_000);
    const answers = new Map<string, Delivery[]>();
    const send = async (auth: AuthFixture, delayMs: number) => {
      if (delayMs > 0) await sleep(delayMs);
      const delivery = await deliverWebhook(world.webhookUrl(), auth.webhook, { deadlineMs: options.timeoutMs });
      answers.set(auth.authId, [...(answers.get(auth.authId) ?? []), delivery]);
    };
    let sent = 0;
    const sending = (async () => {
      const inFlight: Array<Promise<void>> = [];
      const sendStart = Date.now();
      for (const [i, { auth }] of plan.entries()) {
        const due = sendStart + (i / options.sendRate) * 1_000;
        if (due > Date.now()) await sleep(due - Date.now());
        inFlight.push(send(auth, 0));
        const delay = again.get(auth.authId);
        if (delay !== undefined) inFlight.push(send(auth, delay));
        sent = i + 1;
      }
      await Promise.all(inFlight);
    })();

    let redisDownMs = 0;
    let ingressRestarts = 0;
    const expectedEmails = plan.filter((p) => p.intended === 'email').length;
    const disrupting = (async () => {
      let redisRestarted = false;
      let ingressRestarted = false;
      let nextKill = Date.now() + options.killEveryMs;
      for (;;) {
        await sleep(200);
        const progress = sent / plan.length;
        if (!redisRestarted && progress >= 0.3) {
          redisRestarted = true;
          say(`restarting Redis at +${Date.now() - started} ms`);
          const down = Date.now();
          await world.redis.stop();
          await sleep(2_000);
          await world.redis.restart();
          redisDownMs = Date.now() - down;
        }
        if (!ingressRestarted && progress >= 0.6) {
          ingressRestarted = true;
          say(`restarting the ingress at +${Date.now() - started} ms`);
          await fleet.restartIngress();
          ingressRestarts += 1;
        }
        if (Date.now() >= nextKill) {
          await fleet.killOne();
          const kill = fleet.kills.at(-1);
          say(`SIGKILLed a worker (${kill?.role}) at +${(kill?.at ?? started) - started} ms; ${world.smtp.messages.length}/${expectedEmails} emails so far`);
          nextKill = Date.now() + options.killEveryMs;
        }
        // Disrupt while there is work in flight; the tail is left to finish.
        if (progress >= 1 && redisRestarted && ingressRestarted && world.smtp.messages.length >= 0.8 * expectedEmails) return;
        if (over || Date.now() > started + options.timeoutMs) throw new Error(`chaos: processing did not get far enough within ${options.timeoutMs} ms`);
      }
    })();

    await Promise.all([sending, disrupting]);
    say(`all ${plan.length + again.size} deliveries acknowledged; waiting for quiescence (${(await pendingJobs(world.queues)) ?? '?'} unfinished jobs)`);
    await waitForQuiescence(world.queues, { timeoutMs: options.timeoutMs, polls: 5 });

    const intended = new Map<string, Intended>();
    let inconsistentIds = 0;
    let answeredDuplicate = 0;
    let retriedDeliveries = 0;
    for (const { auth, intended: wanted } of plan) {
      const got = answers.get(auth.authId) ?? [];
      if (new Set(got.map((d) => d.id)).size > 1) inconsistentIds += 1;
      answeredDuplicate += got.filter((d) => d.status === 'duplicate').length;
      retriedDeliveries += got.filter((d) => d.tries > 1).length;
      if (got[0]) intended.set(got[0].id, wanted);
    }
    const ledger = await buildLedger(world.queues, intended, world.smtp.messages);
    const { duplicates, explained, unexplained } = explainDuplicates(world.smtp.messages, ledger.duplicatedIds, fleet.kills, started);
    const cleanExits = await fleet.stopAll();

    return {
      options,
      ledger,
      deliveries: plan.length + again.size,
      answeredDuplicate,
      retriedDeliveries,
      inconsistentIds,
      explainedDuplicates: explained,
      unexplainedDuplicates: unexplained,
      poolSize: POOL_SIZE,
      duplicates,
      kills: fleet.kills,
      redisDownMs,
      ingressRestarts,
      trayServerErrors: world.tray.calls.filter((c) => c.status >= 500).length,
      trayRateLimited: world.tray.rateLimitErrors,
      smtpRefusals: world.smtp.attempts - world.smtp.messages.length,
      cleanExits,
      durationMs: Date.now() - started,
    };
  } finally {
    over = true;
    await fleet.killAll();
    await world.stop();
  }
}

/**
 * Why the run failed, each reason a line; none means it passed: nothing lost, every duplicate tied
 * to a notify SIGKILL, no more duplicates than the pool size times those kills, every dead letter
 * intended.
 */
export function chaosFailures(report: ChaosReport): string[] {
  const { ledger } = report;
  const notifyKills = report.kills.filter((k) => k.role === 'notify').length;
  const bound = report.poolSize * notifyKills;
  return [
    ...(ledger.lost !== 0 || ledger.lostIds.length > 0 ? [`lost ${ledger.lost}`] : []),
    ...(report.unexplainedDuplicates > 0 ? [`${report.unexplainedDuplicates} duplicate(s) no notify SIGKILL explains`] : []),
    ...(ledger.duplicateEmails > bound ? [`${ledger.duplicateEmails} duplicates > pool size ${report.poolSize} × ${notifyKills} notify SIGKILLs`] : []),
    ...(ledger.deadLetterKinds.unintended > 0 ? [`${ledger.deadLetterKinds.unintended} unintended dead letter(s)`] : []),
    ...(ledger.misrouted.length > 0 ? [`${ledger.misrouted.length} notification(s) ended otherwise than intended`] : []),
    ...(ledger.failedNotDeadLettered > 0 ? [`${ledger.failedNotDeadLettered} failed job(s) missing from the dead-letter queue`] : []),
    ...(report.inconsistentIds > 0 ? [`${report.inconsistentIds} auth(s) answered with two notification ids`] : []),
  ];
}

/** The last line `pnpm chaos` prints. */
export function verdict(report: ChaosReport): string {
  const failures = chaosFailures(report);
  const { ledger } = report;
  const notifyKills = report.kills.filter((k) => k.role === 'notify').length;
  const figures = `lost ${ledger.lost}, duplicates ${ledger.duplicateEmails} (unexplained ${report.unexplainedDuplicates}, bound ${report.poolSize} × ${notifyKills} notify SIGKILLs)`;
  return failures.length === 0 ? `chaos verdict: PASS: ${figures}` : `chaos verdict: FAIL: ${failures.join('; ')}; ${figures}`;
}
