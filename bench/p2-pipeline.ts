import { CHAIN_QUEUES } from './servers/chain-names.js';
import { startCpuMeter, type CpuMeter } from './lib/cpu.js';
import { drainPipeline, type Drained, type Layout } from './lib/pipeline.js';
import { spawnTs } from './lib/processes.js';
import { startStack, type Stack } from './lib/stack.js';
import { Queue } from './lib/vendor.js';
import { median, round, until } from './lib/wait.js';
import { createRedis, type TrayExpiredAuth } from './lib/workspace.js';

/**
 * P2, pipeline: N expiring auths through token lookup, instance mapping and notify against the fake
 * Tray (no rate limit anywhere) and the SMTP capture, compared with two ceilings from the same run:
 * a raw BullMQ three-stage no-op chain, and pooled nodemailer to the same capture.
 */
export interface P2Options {
  notifications: number;
  users: number;
  rounds: number;
}

export interface P2Result {
  options: P2Options;
  rounds: P2Round[];
  /** The last round's ceilings and layouts; the ratios below are medians over every round. */
  chain: Drained;
  mail: Drained;
  /** The slower of the two ceilings, notifications/s (median over the rounds). */
  ceilingPerSecond: number;
  reauth: Record<Layout, Drained & { trayCalls: number; duplicateEmails: number }>;
  ratioOneProcess: number;
  ratioPerRole: number;
  /**
   * The same comparison by CPU cost instead of wall time: CPU ms per item of the costlier ceiling
   * over reauth's (all processes: subject, Redis, fakes). A cross-check that other load on a shared
   * machine disturbs far less than it disturbs throughput.
   */
  cpuRatio: Record<Layout, number>;
  /** The workers' own CPU per notification over the two ceilings' subjects' CPU added together (target ≤ 2). */
  workerCpuVsCeilings: Record<Layout, number>;
}

const totalCpu = (d: Drained) => d.cpuPerItem.subjectMs + d.cpuPerItem.redisMs + d.cpuPerItem.benchMs;

/** Tray's budget is on by default (25/s); P2 measures the pipeline, so it is lifted out of the way. */
const UNLIMITED = { TRAY_RATE_LIMIT_RPS: '100000' };

async function timed(n: number, t0: number, cpu: CpuMeter): Promise<Drained> {
  const seconds = (performance.now() - t0) / 1000;
  return { seconds: round(seconds, 3), perSecond: round(n / seconds, 1), cpuPerItem: await cpu.perItem(n) };
}

async function chainCeiling(n: number, sample: TrayExpiredAuth): Promise<Drained> {
  const stack = await startStack({ trayRateLimit: false });
  const connection = createRedis({ url: stack.redis.url }, 'command', 'bench-chain-feeder');
  const [firstName, , lastName] = CHAIN_QUEUES;
  const first = new Queue(firstName, { connection });
  const last = new Queue(lastName, { connection });
  const child = spawnTs('p2-chain', 'bench/servers/chain-baseline.ts', [], { REDIS_URL: stack.redis.url, NODE_ENV: 'production' });
  try {
    await first.pause();
    for (let i = 0; i < n; i += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, n - i) }, (_, k) => ({ name: 'chain', data: { notificationId: `n-${i + k}`, receivedAt: Date.now(), auth: sample } }));
      await first.addBulk(batch);
    }
    await child.message();
    const cpu = await startCpuMeter(stack.redisClient, [child]);
    const t0 = performance.now();
    await first.resume();
    await until('the chain to finish', async () => (await last.getCompletedCount()) >= n, { timeoutMs: 600_000, guard: () => child.assertAlive() });
    return timed(n, t0, cpu);
  } finally {
    await child.stop();
    await Promise.all([first.close(), last.close()]);
    await connection.quit();
    await stack.close();
  }
}

async function mailCeiling(n: number): Promise<Drained> {
  const stack = await startStack({ trayRateLimit: false });
  const child = spawnTs('p2-mail', 'bench/servers/mail-baseline.ts', [], { SMTP_URL: stack.smtp.url, MAIL_COUNT: String(n), NODE_ENV: 'production' });
  try {
    await child.message();
    const cpu = await startCpuMeter(stack.redisClient, [child]);
    const t0 = performance.now();
    child.send({ go: true });
    await until('the mail ceiling to finish', () => stack.mails.count() >= n, { timeoutMs: 600_000, guard: () => child.assertAlive() });
    return timed(n, t0, cpu);
  } finally {
    await child.stop();
    await stack.close();
  }
}

async function reauthPipeline(options: P2Options, layout: Layout): Promise<P2Result['reauth'][Layout]> {
  const stack: Stack = await startStack({ trayRateLimit: false, env: UNLIMITED });
  try {
    const auths = stack.populate(options.users, options.notifications);
    const drained = await drainPipeline(stack, auths, layout, `p2-${layout}`);
    return { ...drained, trayCalls: stack.tray.calls.length, duplicateEmails: stack.mails.duplicates() };
  } finally {
    await stack.close();
  }
}

const cpuText = (c: Drained['cpuPerItem']) => `CPU ms/item: subject ${c.subjectMs}, redis ${c.redisMs}, bench+fakes ${c.benchMs}`;

/** One interleaved round: both ceilings and both layouts, back to back, so one burst of other work hits them alike. */
interface P2Round {
  chain: Drained;
  mail: Drained;
  reauth: P2Result['reauth'];
}

const LAYOUTS = ['one-process', 'per-role'] as const;

export async function runP2(options: P2Options, log: (line: string) => void): Promise<P2Result> {
  const n = options.notifications;
  const sample: TrayExpiredAuth = { authentication_name: "Ada's Salesforce", service_name: 'salesforce', user_id: crypto.randomUUID(), authId: crypto.randomUUID(), external_user_id: crypto.randomUUID() };
  const rounds: P2Round[] = [];
  for (let r = 1; r <= options.rounds; r += 1) {
    const chain = await chainCeiling(n, sample);
    log(`  p2 round ${r} ceiling: raw BullMQ 3-stage chain ${chain.perSecond}/s (${chain.seconds} s); ${cpuText(chain.cpuPerItem)}`);
    const mail = await mailCeiling(n);
    log(`  p2 round ${r} ceiling: pooled nodemailer ${mail.perSecond}/s (${mail.seconds} s); ${cpuText(mail.cpuPerItem)}`);
    const reauth = {} as P2Result['reauth'];
    for (const layout of LAYOUTS) {
      reauth[layout] = await reauthPipeline(options, layout);
      const x = reauth[layout];
      log(`  p2 round ${r} reauth ${layout}: ${x.perSecond} notifications/s (${x.seconds} s), ${x.trayCalls} Tray calls, ${x.duplicateEmails} duplicate emails; ${cpuText(x.cpuPerItem)}`);
    }
    rounds.push({ chain, mail, reauth });
  }
  // Each ratio is taken within its round (same-run baselines), then the median over the rounds.
  const perRound = (f: (round: P2Round) => number) => round(median(rounds.map(f)), 3);
  const ceilingOf = (x: P2Round) => Math.min(x.chain.perSecond, x.mail.perSecond);
  const ceilingsCpu = (x: P2Round) => x.chain.cpuPerItem.subjectMs + x.mail.cpuPerItem.subjectMs;
  const byLayout = (f: (x: P2Round, layout: Layout) => number) => Object.fromEntries(LAYOUTS.map((l) => [l, perRound((x) => f(x, l))])) as Record<Layout, number>;
  const last = rounds[rounds.length - 1] as P2Round;
  return {
    options,
    rounds,
    chain: last.chain,
    mail: last.mail,
    ceilingPerSecond: perRound(ceilingOf),
    reauth: last.reauth,
    ratioOneProcess: perRound((x) => x.reauth['one-process'].perSecond / ceilingOf(x)),
    ratioPerRole: perRound((x) => x.reauth['per-role'].perSecond / ceilingOf(x)),
    cpuRatio: byLayout((x, l) => Math.max(totalCpu(x.chain), totalCpu(x.mail)) / totalCpu(x.reauth[l])),
    workerCpuVsCeilings: byLayout((x, l) => x.reauth[l].cpuPerItem.subjectMs / ceilingsCpu(x)),
  };
}
