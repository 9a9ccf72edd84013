import { startCpuMeter, type CpuSplit } from './cpu.js';
import { startReauth, stopAll, type Child } from './processes.js';
import type { Stack } from './stack.js';
import { inLanes, round, until } from './wait.js';
import { enqueueExpiredAuth, workQueueNames, type QueueSet, type TrayExpiredAuth } from './workspace.js';

const DEDUPE_WINDOW_MS = 72 * 3_600_000;

/** Through reauth's real intake (job + dedupe key), as the ingress would, many at a time. */
export async function enqueueAll(queues: QueueSet, auths: readonly TrayExpiredAuth[], inFlight = 200): Promise<void> {
  await inLanes(auths.length, inFlight, async (i) => {
    const result = await enqueueExpiredAuth(queues, auths[i] as TrayExpiredAuth, DEDUPE_WINDOW_MS);
    if (result.status !== 'accepted') throw new Error(`bench: auth ${i} was not accepted (${result.status})`);
  });
}

export type Layout = 'one-process' | 'per-role';

/** The roles a Tray notification passes through: the bench's scenarios run Tray only, so other providers' roles would start no worker. */
export const TRAY_PIPELINE_ROLES = ['token-lookup', 'instance-mapping', 'notify', 'reminders'] as const;

/** The worker roles in one process, or one process per role; resolves once every queue has a worker. */
export async function startWorkers(
  stack: Stack,
  layout: Layout,
  name: string,
  roles: readonly string[] = TRAY_PIPELINE_ROLES,
  extraEnv: Record<string, string> = {},
): Promise<Child[]> {
  const env = stack.env(extraEnv);
  const children = layout === 'one-process' ? [startReauth(`${name}-workers`, roles, env)] : roles.map((role) => startReauth(`${name}-${role}`, [role], env));
  const queues = await stack.queues();
  await until(
    'reauth workers to register',
    async () => (await Promise.all(roles.map((r) => queues.get(r).getWorkersCount()))).every((n) => n > 0),
    { timeoutMs: 60_000, intervalMs: 100, guard: () => children.forEach((c) => c.assertAlive()) },
  );
  return children;
}

/**
 * Resolves when the capture holds `n` distinct emails. Fails as soon as a child dies, or when no
 * email arrives for `stallMs` (saying where the jobs are), rather than waiting out a long timeout.
 */
export async function waitForMails(stack: Stack, n: number, children: readonly Child[], stallMs = 60_000): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  await until(`${n} emails`, async () => {
    const count = stack.mails.count();
    if (count !== last) [last, lastChange] = [count, Date.now()];
    if (Date.now() - lastChange > stallMs) {
      const queues = await stack.queues();
      const counts = await Promise.all(workQueueNames.map(async (q) => [q, await queues.get(q).getJobCounts()] as const));
      throw new Error(`bench: stalled at ${count}/${n} emails; jobs: ${JSON.stringify(Object.fromEntries(counts))}`);
    }
    return count >= n;
  }, { timeoutMs: Number.POSITIVE_INFINITY, guard: () => children.forEach((c) => c.assertAlive()) });
}

export interface Drained {
  seconds: number;
  perSecond: number;
  cpuPerItem: CpuSplit;
}

/**
 * Pre-loads every auth into a paused first stage, starts the workers, resumes, and times until the
 * capture has one email per auth: process start-up stays out of the measurement, fill and drain do not.
 */
export async function drainPipeline(stack: Stack, auths: readonly TrayExpiredAuth[], layout: Layout, name: string): Promise<Drained> {
  const queues = await stack.queues();
  const first = queues.get('token-lookup');
  await first.pause();
  await enqueueAll(queues, auths);
  const children = await startWorkers(stack, layout, name);
  try {
    const cpu = await startCpuMeter(stack.redisClient, children);
    const t0 = performance.now();
    await first.resume();
    await waitForMails(stack, auths.length, children);
    const seconds = (performance.now() - t0) / 1000;
    return { seconds: round(seconds, 3), perSecond: round(auths.length / seconds, 1), cpuPerItem: await cpu.perItem(auths.length) };
  } finally {
    await stopAll(children);
  }
}
