import { enqueueAll, startWorkers } from './lib/pipeline.js';
import { stopAll, type Child } from './lib/processes.js';
import { startStack, type Stack } from './lib/stack.js';
import { median, round, sleep, until } from './lib/wait.js';
import type { TrayExpiredAuth } from './lib/workspace.js';

/**
 * P4, memory. Redis: bytes per waiting notification, N of them enqueued through reauth's real
 * intake (job, dedupe key, events stream). Worker: RSS of a `reauth start --roles token-lookup`
 * process after the first `checkpoint` jobs and after all N. Token lookup is the stage chosen: it
 * is the real processor and runtime (job logger, schema check, token cache, history step, stage
 * hand-off) and, once each user's token is cached, needs nothing from the fakes, so the bench
 * stays small and the run short; notify would hold every email in the capture for minutes longer.
 *
 * Both are measured twice: with defaults, and with two deployment settings (docs/benchmarks.md):
 * Redis `hash-max-listpack-value 1024`, which stores a job's hash compactly, and a worker heap
 * limit (`--max-old-space-size`), which makes V8 collect before it grows its heap.
 *
 * At Node defaults the worker's RSS is a sawtooth, V8 growing the heap and collecting, about ±12 %
 * over a few thousand jobs. Two single readings would measure where in a tooth each fell, so growth
 * compares the median RSS over the first quarter after the checkpoint with the median over the
 * last quarter, each window spanning several teeth. The two single readings are kept as well.
 */
export interface P4Options {
  jobs: number;
  checkpoint: number;
  users: number;
}

export interface P4Settings {
  redisConfig: Record<string, string>;
  workerNodeOptions?: string;
}

export interface P4Measurement {
  settings: P4Settings;
  redisBytesPerJob: number;
  enqueueSeconds: number;
  processSeconds: number;
  failed: number;
  rssAtCheckpoint: number;
  rssAtEnd: number;
  rssPeak: number;
  /** Median RSS over the last quarter of the jobs / median over the first quarter after the checkpoint, - 1. */
  rssGrowth: number;
  /** rssAtEnd / rssAtCheckpoint - 1: two single readings, each wherever the sawtooth was. */
  rssPointGrowth: number;
  samples: Array<{ processed: number; rssMb: number }>;
}

export interface P4Result {
  options: P4Options;
  defaults: P4Measurement;
  tuned: P4Measurement;
}

const TUNED: P4Settings = { redisConfig: { 'hash-max-listpack-value': '1024' }, workerNodeOptions: '--max-old-space-size=128' };

async function usedMemory(stack: Stack): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await stack.redisClient.info('memory'))?.[1]);
}

/** Samples the worker's RSS until every token-lookup job has left the queue. */
async function processAll(stack: Stack, worker: Child, options: P4Options) {
  const queue = (await stack.queues()).get('token-lookup');
  const samples: P4Measurement['samples'] = [];
  const readings: Array<{ processed: number; rss: number }> = [];
  let rssAtCheckpoint = 0;
  let rssPeak = 0;
  let nextSample = 0;
  const t0 = performance.now();
  await until(
    'every token-lookup job to be processed',
    async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const processed = options.jobs - Object.values(counts).reduce((a, b) => a + b, 0);
      const rss = worker.rss();
      readings.push({ processed, rss });
      rssPeak = Math.max(rssPeak, rss);
      if (!rssAtCheckpoint && processed >= options.checkpoint) rssAtCheckpoint = rss;
      if (processed >= nextSample || processed >= options.jobs) {
        samples.push({ processed, rssMb: round(rss / 2 ** 20, 1) });
        nextSample += options.jobs / 20;
      }
      return processed >= options.jobs;
    },
    { timeoutMs: Math.max(120_000, options.jobs * 5), intervalMs: 100, guard: () => worker.assertAlive() },
  );
  const processSeconds = (performance.now() - t0) / 1000;
  // Let the last completions and their history writes settle before the final reading.
  await sleep(500);
  const rssAtEnd = worker.rss();
  const quarter = (options.jobs - options.checkpoint) / 4;
  const medianWhile = (from: number, to: number) => median(readings.filter((r) => r.processed >= from && r.processed <= to).map((r) => r.rss));
  const rssGrowth = medianWhile(options.jobs - quarter, options.jobs) / medianWhile(options.checkpoint, options.checkpoint + quarter) - 1;
  return { samples, rssAtCheckpoint, rssPeak, rssAtEnd, rssGrowth, processSeconds, failed: await queue.getFailedCount() };
}

async function measure(options: P4Options, auths: readonly TrayExpiredAuth[], settings: P4Settings, stack: Stack): Promise<P4Measurement> {
  for (const [name, value] of Object.entries(settings.redisConfig)) await stack.redisClient.config('SET', name, value);
  const queues = await stack.queues();
  const before = await usedMemory(stack);
  const t0 = performance.now();
  await enqueueAll(queues, auths);
  const enqueueSeconds = (performance.now() - t0) / 1000;
  const redisBytesPerJob = Math.round(((await usedMemory(stack)) - before) / auths.length);

  const env: Record<string, string> = settings.workerNodeOptions ? { NODE_OPTIONS: settings.workerNodeOptions } : {};
  const children = await startWorkers(stack, 'one-process', 'p4', ['token-lookup'], env);
  try {
    const run = await processAll(stack, children[0] as Child, options);
    return {
      settings,
      redisBytesPerJob,
      enqueueSeconds: round(enqueueSeconds, 2),
      processSeconds: round(run.processSeconds, 2),
      failed: run.failed,
      rssAtCheckpoint: run.rssAtCheckpoint,
      rssAtEnd: run.rssAtEnd,
      rssPeak: run.rssPeak,
      rssGrowth: round(run.rssGrowth, 3),
      rssPointGrowth: round(run.rssAtEnd / run.rssAtCheckpoint - 1, 3),
      samples: run.samples,
    };
  } finally {
    await stopAll(children);
  }
}

export async function runP4(options: P4Options, log: (line: string) => void): Promise<P4Result> {
  const result: Partial<P4Result> = { options };
  for (const [label, settings] of [['defaults', { redisConfig: {} }], ['tuned', TUNED]] as const) {
    const stack = await startStack({ trayRateLimit: false, env: { TRAY_RATE_LIMIT_RPS: '100000' } });
    try {
      const m = await measure(options, stack.populate(options.users, options.jobs), settings, stack);
      result[label] = m;
      const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
      log(
        `  p4 ${label}${label === 'tuned' ? ` (${Object.entries(settings.redisConfig).map(([k, v]) => `${k} ${v}`).join(', ')}; worker ${settings.workerNodeOptions})` : ''}: ` +
          `${m.redisBytesPerJob} Redis bytes per waiting notification; token-lookup worker RSS ${mb(m.rssAtCheckpoint)} MB after ${options.checkpoint} jobs, ` +
          `${mb(m.rssAtEnd)} MB after ${options.jobs} (${round(m.rssPointGrowth * 100, 1)} %), peak ${mb(m.rssPeak)} MB; ` +
          `median over the last quarter against the first after ${options.checkpoint}: ${round(m.rssGrowth * 100, 1)} %; ${m.failed} failed; ${round(options.jobs / m.processSeconds, 0)} jobs/s`,
      );
    } finally {
      await stack.close();
    }
  }
  return result as P4Result;
}
