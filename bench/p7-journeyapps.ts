import { spawnTs, startReauth, untilReady, type Child } from './lib/processes.js';
import { startStack, type Stack } from './lib/stack.js';
import { median, round, until } from './lib/wait.js';
import { expectedSweep, freePort, mixedUsers, startFakeJourneyApps } from './lib/workspace.js';

/**
 * P7, the JourneyApps sweep.
 * - Throughput and memory: a sweep worker (`reauth start --roles journeyapps-sweep`) sweeps 100,000
 *   users of mixed states at a fake with no rate limit and reauth's budget out of the way. Sessions
 *   examined per second over the sweep, and the worker's RSS growth between 10,000 users scanned and
 *   the end: the sweep holds one page at a time, so it should not grow with users.
 *   V8 grows its heap lazily at Node defaults, so the same rounds also run in a worker with a heap
 *   limit (as `p4` does), and the sweep alone runs in a process that reads its live heap after a
 *   full collection (`servers/sweep-heap.ts`): what the sweep retains, apart from how big V8 lets the
 *   heap get.
 * - Budget: the fake limits like JourneyApps (a token bucket) at the rate reauth's budget is set to,
 *   and a sweep worker plus a second force worker share the budget: call rate against the budget,
 *   and how many calls the fake answered 429.
 */
export interface P7Options {
  users: number;
  checkpoint: number;
  rounds: number;
  budgetUsers: number;
  budgetRps: number;
}

export interface P7Round {
  seconds: number;
  sessionsPerS: number;
  rssAtCheckpointMb: number;
  rssAtEndMb: number;
  rssGrowth: number;
}

export interface P7Result {
  options: P7Options;
  rounds: P7Round[];
  sessionsPerS: number;
  rssGrowth: number;
  /** The same rounds in a worker with NODE_OPTIONS=--max-old-space-size=128. */
  tunedRounds: P7Round[];
  rssGrowthTuned: number;
  /** Live heap after a full GC, at the checkpoint and at the end of each sweep. */
  heapRounds: Array<{ heapAtCheckpointMb: number; heapAtEndMb: number; growth: number }>;
  heapGrowth: number;
  budget: { calls: number; achievedRps: number; utilisation: number; status429: number; forced: number };
}

const TOKEN = 'p7-journeyapps-token';

async function startWorker(stack: Stack, name: string, roles: string[], env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const child = startReauth(name, roles, stack.env({ ...env, METRICS_PORT: String(port) }));
  await untilReady(child, `http://127.0.0.1:${port}`);
  return child;
}

/** One sweep through the queue; RSS read when `checkpoint` users are scanned (from the job's progress) and at the end. */
async function sweepOnce(stack: Stack, worker: Child, id: string, checkpoint: number) {
  const queue = (await stack.queues()).get('journeyapps-sweep');
  const job = await queue.add('journeyapps.sweep', { deployment: 'default', trigger: 'manual' }, { jobId: id });
  let rssAtCheckpoint = 0;
  const report = await until(
    `sweep ${id} to finish`,
    async () => {
      const current = await queue.getJob(job.id!);
      const progress = current?.progress as { report?: { usersScanned?: number } } | undefined;
      if (!rssAtCheckpoint && (progress?.report?.usersScanned ?? 0) >= checkpoint) rssAtCheckpoint = worker.rss();
      if (current?.failedReason) throw new Error(`bench: sweep ${id} failed: ${current.failedReason}`);
      return current?.finishedOn ? (current.returnvalue as { startedAt: number; finishedAt: number; sessionsExamined: number; usersScanned: number }) : undefined;
    },
    { timeoutMs: 600_000, intervalMs: 20, guard: () => worker.assertAlive() },
  );
  return { report, rssAtCheckpoint, rssAtEnd: worker.rss() };
}

const TUNED_NODE_OPTIONS = '--max-old-space-size=128';

async function throughput(options: P7Options, log: (line: string) => void): Promise<Pick<P7Result, 'rounds' | 'tunedRounds' | 'heapRounds'>> {
  const stack = await startStack({ trayRateLimit: false });
  const fake = await startFakeJourneyApps({ token: TOKEN });
  try {
    fake.addUsers(mixedUsers(options.users));
    const env = { JOURNEYAPPS_API_URL: fake.url, JOURNEYAPPS_API_TOKEN: TOKEN, JOURNEYAPPS_RATE_LIMIT_RPS: '1000000' };
    const rounds = await sweepRounds(stack, options, 'p7-sweep', env, log);
    const tunedRounds = await sweepRounds(stack, options, 'p7-sweep-tuned', { ...env, NODE_OPTIONS: TUNED_NODE_OPTIONS }, log);
    const probe = spawnTs('p7-heap', 'bench/servers/sweep-heap.ts', [], {
      REDIS_URL: stack.redis.url, API_URL: fake.url, API_TOKEN: TOKEN, ROUNDS: String(options.rounds), CHECKPOINT: String(options.checkpoint), NODE_OPTIONS: '--expose-gc', NODE_ENV: 'production',
    });
    try {
      const { rounds: heap } = await probe.message<{ rounds: Array<{ heapAtCheckpoint: number; heapAtEnd: number }> }>();
      const heapRounds = heap.map((h) => ({ heapAtCheckpointMb: round(h.heapAtCheckpoint / 2 ** 20, 1), heapAtEndMb: round(h.heapAtEnd / 2 ** 20, 1), growth: round((h.heapAtEnd - h.heapAtCheckpoint) / h.heapAtCheckpoint, 3) }));
      for (const h of heapRounds) log(`  p7: live heap after a full GC: ${h.heapAtCheckpointMb} MB at ${options.checkpoint} users -> ${h.heapAtEndMb} MB (${h.growth})`);
      return { rounds, tunedRounds, heapRounds };
    } finally {
      await probe.stop();
    }
  } finally {
    await fake.close();
    await stack.close();
  }
}

async function sweepRounds(stack: Stack, options: P7Options, name: string, env: Record<string, string>, log: (line: string) => void): Promise<P7Round[]> {
  const worker = await startWorker(stack, name, ['journeyapps-sweep'], env);
  const rounds: P7Round[] = [];
  try {
    for (let r = 0; r < options.rounds; r += 1) {
      const { report, rssAtCheckpoint, rssAtEnd } = await sweepOnce(stack, worker, `${name}-${r}`, options.checkpoint);
      if (report.usersScanned !== options.users || report.sessionsExamined !== expectedSweep(options.users, false).sessionsExamined) {
        throw new Error(`bench: sweep ${r} scanned ${report.usersScanned} users and ${report.sessionsExamined} sessions`);
      }
      const seconds = (report.finishedAt - report.startedAt) / 1000;
      const measured: P7Round = {
        seconds: round(seconds, 2),
        sessionsPerS: round(report.sessionsExamined / seconds, 0),
        rssAtCheckpointMb: round(rssAtCheckpoint / 2 ** 20, 1),
        rssAtEndMb: round(rssAtEnd / 2 ** 20, 1),
        rssGrowth: round((rssAtEnd - rssAtCheckpoint) / rssAtCheckpoint, 3),
      };
      rounds.push(measured);
      log(`  p7: ${name} round ${r + 1}: ${options.users} users in ${measured.seconds} s, ${measured.sessionsPerS} sessions/s, RSS ${measured.rssAtCheckpointMb} MB at ${options.checkpoint} users -> ${measured.rssAtEndMb} MB (${measured.rssGrowth})`);
    }
  } finally {
    await worker.stop();
  }
  return rounds;
}

async function budget(options: P7Options, log: (line: string) => void): Promise<P7Result['budget']> {
  const stack = await startStack({ trayRateLimit: false });
  const rps = options.budgetRps;
  const fake = await startFakeJourneyApps({ token: TOKEN, rateLimit: { rps, burst: rps } });
  try {
    fake.addUsers(mixedUsers(options.budgetUsers));
    const forced = expectedSweep(options.budgetUsers, false).forced;
    const env = { JOURNEYAPPS_API_URL: fake.url, JOURNEYAPPS_API_TOKEN: TOKEN, JOURNEYAPPS_RATE_LIMIT_RPS: String(rps) };
    const workers = [await startWorker(stack, 'p7-budget-a', ['journeyapps-sweep', 'journeyapps-force'], env), await startWorker(stack, 'p7-budget-b', ['journeyapps-force'], env)];
    try {
      const calls = Math.ceil(options.budgetUsers / 100) + forced;
      log(`  p7: ${options.budgetUsers} users at a ${rps}/s budget (two processes, the fake limits at ${rps}/s): about ${Math.round(calls / rps)} s`);
      const queue = (await stack.queues()).get('journeyapps-sweep');
      await queue.add('journeyapps.sweep', { deployment: 'default', trigger: 'manual' }, { jobId: 'p7-budget' });
      await until('every old session to be forced', () => fake.reauthenticated.length >= forced, {
        timeoutMs: Math.max(120_000, (calls / rps) * 3_000),
        intervalMs: 100,
        guard: () => workers.forEach((w) => w.assertAlive()),
      });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const times = fake.callTimes;
    const spanS = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    const achievedRps = spanS > 0 ? (times.length - 1) / spanS : 0;
    const result = { calls: times.length, achievedRps: round(achievedRps, 2), utilisation: round(achievedRps / rps, 3), status429: fake.rateLimited, forced: fake.reauthenticated.length };
    log(`  p7: ${result.calls} calls at ${result.achievedRps}/s (${result.utilisation} of the budget), ${result.status429} answered 429, ${result.forced} sessions forced`);
    return result;
  } finally {
    await fake.close();
    await stack.close();
  }
}

export async function runP7(options: P7Options, log: (line: string) => void): Promise<P7Result> {
  const { rounds, tunedRounds, heapRounds } = await throughput(options, log);
  return {
    options,
    rounds,
    sessionsPerS: median(rounds.map((r) => r.sessionsPerS)),
    rssGrowth: median(rounds.map((r) => r.rssGrowth)),
    tunedRounds,
    rssGrowthTuned: median(tunedRounds.map((r) => r.rssGrowth)),
    heapRounds,
    heapGrowth: median(heapRounds.map((h) => h.growth)),
    budget: await budget(options, log),
  };
}
