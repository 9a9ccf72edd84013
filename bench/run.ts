/**
 * `pnpm bench [-- --only p1,p3] [--quick] [--profile]`: runs the benchmarks, writes
 * bench/results/<timestamp>.json, and prints one JSON summary as the last line of output.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runP1, type P1Result } from './p1-ingress.js';
import { runP2, type P2Result } from './p2-pipeline.js';
import { runP3, type P3Result } from './p3-tray-budget.js';
import { runP4, type P4Result } from './p4-memory.js';
import { runP5, type P5Result } from './p5-burst.js';
import { runP6, type P6Result } from './p6-reminders.js';
import { runP7, type P7Result } from './p7-journeyapps.js';
import { runP8, type P8Result } from './p8-landing-click.js';
import { profileChildrenInto, repoRoot } from './lib/processes.js';

const scenarios = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'] as const;
type Scenario = (typeof scenarios)[number];

const { values } = parseArgs({
  // pnpm forwards a literal `--` before the script's own arguments.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false } },
});
const selected = (values.only ?? scenarios.join(',')).split(',').map((s) => s.trim());
const unknown = selected.filter((s) => !(scenarios as readonly string[]).includes(s));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.join(', ')}\n`);
  process.exit(2);
}
const quick = values.quick;
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const resultsDir = join(repoRoot, 'bench', 'results');
if (values.profile) {
  const dir = join(resultsDir, `profiles-${stamp}`);
  mkdirSync(dir, { recursive: true });
  profileChildrenInto(dir);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
// Ctrl-C still runs the 'exit' handlers that stop every redis-server and reauth process started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

interface Results {
  p1?: P1Result;
  p2?: P2Result;
  p3?: P3Result;
  p4?: P4Result;
  p5?: P5Result;
  p6?: P6Result;
  p7?: P7Result;
  p8?: P8Result;
}
const results: Results = {};
const errors: Partial<Record<Scenario, string>> = {};
/** 1-minute load average when each scenario started and ended: other work on the machine shows here. */
const loadAverage: Partial<Record<Scenario, [number, number]>> = {};

async function step<K extends Scenario>(name: K, run: () => Promise<NonNullable<Results[K]>>): Promise<void> {
  if (!selected.includes(name)) return;
  log(`${name}: starting${quick ? ' (quick)' : ''}`);
  const t0 = Date.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  try {
    results[name] = await run();
    log(`${name}: done in ${Math.round((Date.now() - t0) / 1000)} s`);
  } catch (err) {
    errors[name] = (err as Error).stack ?? String(err);
    log(`${name}: FAILED: ${(err as Error).message}`);
  }
  loadAverage[name] = [loadAtStart, os.loadavg()[0] ?? 0];
}

await step('p1', () => runP1(quick ? { rounds: 1, durationS: 3, warmupS: 1 } : { rounds: 3, durationS: 10, warmupS: 3 }, log));
await step('p2', () => runP2(quick ? { notifications: 2_000, users: 200, rounds: 1 } : { notifications: 10_000, users: 1_000, rounds: 3 }, log));
await step('p3', () => runP3(quick ? { notifications: 300, users: 45 } : { notifications: 2_000, users: 300 }, log));
await step('p4', () => runP4(quick ? { jobs: 10_000, checkpoint: 1_000, users: 100 } : { jobs: 100_000, checkpoint: 10_000, users: 1_000 }, log));
await step('p5', () => runP5(quick ? { webhooks: 5_000, users: 250 } : { webhooks: 100_000, users: 5_000 }, log));
await step('p6', () => runP6(quick ? { reminders: 100_000, sample: 2_000 } : { reminders: 1_000_000, sample: 10_000 }, log));
await step('p7', () =>
  runP7(quick ? { users: 10_000, checkpoint: 1_000, rounds: 1, budgetUsers: 1_000, budgetRps: 20 } : { users: 100_000, checkpoint: 10_000, rounds: 3, budgetUsers: 5_000, budgetRps: 20 }, log),
);
await step('p8', () => runP8({ connections: 20, upstreamMs: 20, ...(quick ? { rounds: 1, clicksPerRound: 500, warmupClicks: 100 } : { rounds: 5, clicksPerRound: 2_000, warmupClicks: 200 }) }, log));

const summary = {
  p1_vs_peer: results.p1?.vsPeer ?? null,
  p1_vs_ceiling: results.p1?.vsCeiling ?? null,
  p1_p99_ms: results.p1?.p99Ms.reauth ?? null,
  p1_cpu_vs_peer: results.p1?.cpuVsPeer ?? null,
  p1_cpu_vs_ceiling: results.p1?.cpuVsCeiling ?? null,
  p1_truelayer_vs_peer: results.p1?.truelayerVsPeer ?? null,
  p1_truelayer_cpu_vs_peer: results.p1?.truelayerCpuVsPeer ?? null,
  p1_truelayer_p99_ms: results.p1?.p99Ms.truelayer ?? null,
  p2_ratio_one_process: results.p2?.ratioOneProcess ?? null,
  p2_ratio_per_role: results.p2?.ratioPerRole ?? null,
  p2_cpu_ratio_one_process: results.p2?.cpuRatio['one-process'] ?? null,
  p2_cpu_ratio_per_role: results.p2?.cpuRatio['per-role'] ?? null,
  p2_worker_cpu_vs_ceilings_one_process: results.p2?.workerCpuVsCeilings['one-process'] ?? null,
  p2_worker_cpu_vs_ceilings_per_role: results.p2?.workerCpuVsCeilings['per-role'] ?? null,
  p3_rate_utilisation: results.p3?.utilisation ?? null,
  p3_rate_limit_errors: results.p3?.rateLimitErrors ?? null,
  p3_calls_per_notification: results.p3?.callsPerNotification ?? null,
  p4_redis_bytes_per_job: results.p4?.defaults.redisBytesPerJob ?? null,
  p4_rss_growth: results.p4?.defaults.rssGrowth ?? null,
  p4_redis_bytes_per_job_tuned: results.p4?.tuned.redisBytesPerJob ?? null,
  p4_rss_growth_tuned: results.p4?.tuned.rssGrowth ?? null,
  p5_5xx: results.p5?.load.status5xx ?? null,
  p5_drain_s: results.p5?.drainSeconds ?? null,
  p6_redis_bytes_per_reminder: results.p6?.bytesPerReminder ?? null,
  p6_used_memory_per_reminder: results.p6?.usedMemoryPerReminder ?? null,
  p6_bytes_per_open_notification: results.p6?.bytesPerOpenNotification ?? null,
  p7_sessions_per_s: results.p7?.sessionsPerS ?? null,
  p7_rss_growth: results.p7?.rssGrowth ?? null,
  p7_rss_growth_tuned: results.p7?.rssGrowthTuned ?? null,
  p7_heap_growth: results.p7?.heapGrowth ?? null,
  p7_rate_utilisation: results.p7?.budget.utilisation ?? null,
  p7_429: results.p7?.budget.status429 ?? null,
  p8_tray_p99_ms: results.p8?.p99Ms.tray ?? null,
  p8_truelayer_p99_ms: results.p8?.p99Ms.truelayer ?? null,
  p8_tray_not_302: results.p8?.notRedirected.tray ?? null,
  p8_truelayer_not_302: results.p8?.notRedirected.truelayer ?? null,
};

/** The issue's targets; a null value (scenario not run or failed) is neither met nor missed. */
const targets: Array<[keyof typeof summary, '>=' | '<=', number]> = [
  ['p1_vs_peer', '>=', 0.95],
  ['p1_vs_ceiling', '>=', 0.75],
  ['p1_p99_ms', '<=', 25],
  ['p1_truelayer_vs_peer', '>=', 0.9],
  ['p2_ratio_one_process', '>=', 0.6],
  ['p2_ratio_per_role', '>=', 0.6],
  ['p2_worker_cpu_vs_ceilings_one_process', '<=', 2],
  ['p2_worker_cpu_vs_ceilings_per_role', '<=', 2],
  ['p3_rate_utilisation', '>=', 0.95],
  ['p3_rate_limit_errors', '<=', 0],
  ['p3_calls_per_notification', '<=', 2],
  ['p4_redis_bytes_per_job', '<=', 1_200],
  ['p4_redis_bytes_per_job_tuned', '<=', 900],
  ['p4_rss_growth', '<=', 0.1],
  ['p5_5xx', '<=', 0],
  ['p6_redis_bytes_per_reminder', '<=', 400],
  ['p7_rss_growth', '<=', 0.1],
  ['p7_rate_utilisation', '>=', 0.95],
  ['p7_429', '<=', 0],
  ['p8_tray_p99_ms', '<=', 60],
  ['p8_truelayer_p99_ms', '<=', 60],
  ['p8_tray_not_302', '<=', 0],
  ['p8_truelayer_not_302', '<=', 0],
];
const missed = targets
  .filter(([key, op, bound]) => {
    const value = summary[key];
    return typeof value === 'number' && (op === '>=' ? value < bound : value > bound);
  })
  .map(([key, op, bound]) => `${key} ${op} ${bound}`);

const redisVersion = execFileSync('redis-server', ['--version']).toString().trim();
const report = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  command: `pnpm bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}` : ''}`,
  quick,
  scenarios: selected,
  machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, redis: redisVersion, platform: `${os.platform()} ${os.release()}`, loadAverage },
  summary,
  targetsMissed: missed,
  errors,
  results,
};
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
log(`results: ${file}`);
process.stdout.write(`${JSON.stringify({ ...summary, targets_missed: missed, errors: Object.keys(errors), results_file: file })}\n`);
process.exitCode = Object.keys(errors).length > 0 ? 1 : 0;
