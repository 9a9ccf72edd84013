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
  /** Extra copies inside the stated window (see WINDOW_MS). */
  duplicatesInWindow: number;
  /** Each duplicated notification: its copies' arrivals, the nearest notify SIGKILL (ms since start), whether its job stalled. */
  duplicates: Array<{ id: string; copiesAt: number[]; nearestNotifyKill: number | undefined; stalled: boolean }>;
  kills: Array<{ role: string; at: number }>;
  redisDownMs: number;
  ingressRestarts: number;
  trayServerErrors: number;
  trayRateLimited: number;
  smtpRefusals: number;
  /** Processes that exited 0 on the final SIGTERM, out of those still running. */
  cleanExits: [number, number];
  durationMs: number;
}

/**
 * The stated window: the SMTP server accepted the message and the process died before the sent
 * marker was written. A duplicate is counted inside it when its notify job was taken over from a
 * dead process (stalled-job recovery) and a notify process was SIGKILLed within WINDOW_MS of the
 * first copy's arrival. The capture timestamps a message only once it has parsed it, in a process
 * that also runs the fake Tray and the senders, so the arrival can trail the kill by a second.
 */
const WINDOW_MS = 2_000;
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

/** For each doubled notification: when its copies arrived, the nearest notify SIGKILL, whether its job was taken over. */
async function describeDuplicates(world: World, ids: string[], kills: ChaosReport['kills'], started: number): Promise<ChaosReport['duplicates']> {
  const notifyKills = kills.filter((k) => k.role === 'notify').map((k) => k.at - started);
  return Promise.all(
    ids.map(async (id) => {
      const copiesAt = world.smtp.messages.filter((m) => m.messageId === `<${id}@reauth>`).map((m) => m.receivedAt - started);
      const first = copiesAt[0] ?? 0;
      const nearestNotifyKill = [...notifyKills].sort((a, b) => Math.abs(a - first) - Math.abs(b - first))[0];
      const stalled = ((await world.queues.get('notify').getJob(id))?.stalledCounter ?? 0) > 0;
      return { id, copiesAt, nearestNotifyKill, stalled };
    }),
  );
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
    env: { TRAY_RATE_LIMIT_RPS: String(Math.ceil(options.trayRps * 1.25)), LOG_LEVEL: 'info' },
  });
  world.tray.setFailureRate(0.1);
  const fleet = new Fleet(world.env);
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
    const duplicates = await describeDuplicates(world, ledger.duplicatedIds, fleet.kills, started);
    const duplicatesInWindow = duplicates
      .filter((d) => d.stalled && d.nearestNotifyKill !== undefined && Math.abs(d.nearestNotifyKill - (d.copiesAt[0] ?? 0)) <= WINDOW_MS)
      .reduce((n, d) => n + d.copiesAt.length - 1, 0);
    const cleanExits = await fleet.stopAll();

    return {
      options,
      ledger,
      deliveries: plan.length + again.size,
      answeredDuplicate,
      retriedDeliveries,
      inconsistentIds,
      duplicatesInWindow,
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

/** The run passed: nothing lost, no duplicate outside the window, every dead letter intended. */
export function chaosPassed(report: ChaosReport): boolean {
  const { ledger } = report;
  return (
    ledger.lost === 0 &&
    ledger.lostIds.length === 0 &&
    ledger.duplicateEmails - report.duplicatesInWindow === 0 &&
    ledger.deadLetterKinds.unintended === 0 &&
    ledger.misrouted.length === 0 &&
    ledger.failedNotDeadLettered === 0 &&
    report.inconsistentIds === 0
  );
}
