import { startStack, type Stack } from './lib/stack.js';
import { freePort } from './lib/workspace.js';
import { freshAuth, type Bodies, type LoadResult } from './lib/load.js';
import { startLoadGenerator, type LoadGenerator } from './lib/load-generator.js';
import { spawnTs, startReauth, stopAll, untilReady, type Child } from './lib/processes.js';
import { median, round } from './lib/wait.js';
import { startCpuMeter, type CpuSplit } from './lib/cpu.js';
import { webhookSecret } from './lib/workspace.js';

/**
 * P1, ingress: reauth's webhook endpoint against the bare Express route (ceiling) and the route
 * awaiting a plain queue.add (peer). Each server runs in its own process with its own Redis, and
 * autocannon (in a process of its own) loads one at a time, so all three are measured alike; rounds
 * are interleaved so a burst of noise from other work on the machine hits all three. The TrueLayer
 * consent intake is measured the same way against `truelayer-peer`, which verifies the same
 * signature and awaits `queue.add`.
 */
export interface P1Options {
  rounds: number;
  durationS: number;
  warmupS: number;
}

const servers = ['ceiling', 'peer', 'reauth', 'truelayer-peer', 'truelayer'] as const;
type ServerName = (typeof servers)[number];

export interface P1Result {
  options: P1Options;
  runs: Record<ServerName, Array<LoadResult & { cpuPerRequest: CpuSplit }>>;
  /** Medians over the rounds. */
  rps: Record<ServerName, number>;
  p99Ms: Record<ServerName, number>;
  /** The same reauth ingress when every authId was seen before (nothing is enqueued). */
  duplicates: LoadResult;
  vsPeer: number;
  vsCeiling: number;
  truelayerVsPeer: number;
  /**
   * The same comparisons by CPU cost (server and Redis, median ms per request): what the ratios
   * would be on a machine busy with nothing else, where throughput follows CPU per request.
   */
  cpuVsPeer: number;
  cpuVsCeiling: number;
  truelayerCpuVsPeer: number;
}

interface Target {
  url: string;
  query: string;
  bodies: Bodies;
  stack: Stack;
  child: Child;
}

async function startTarget(name: ServerName, log: (line: string) => void): Promise<Target> {
  const stack = await startStack({ trayRateLimit: false });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = webhookSecret();
  const consents: Bodies = { kind: 'consents', secret };
  if (name === 'reauth' || name === 'truelayer') {
    const env: Record<string, string> = name === 'truelayer' ? { TRUELAYER_INTAKE_SECRET: secret, TRUELAYER_FALLBACK_URL: 'https://app.bench.test/banks' } : {};
    const child = startReauth(`p1-${name}-ingress`, ['ingress'], stack.env({ PORT: String(port), ...env }));
    await untilReady(child, url);
    log(`  p1: ${name} ingress listening on ${url}`);
    return name === 'reauth' ? { url, query: `?token=${stack.env().WEBHOOK_TOKEN}`, bodies: { kind: 'fresh' }, stack, child } : { url, query: '', bodies: consents, stack, child };
  }
  const child = spawnTs(`p1-${name}`, 'bench/servers/http-baseline.ts', [name], { PORT: String(port), REDIS_URL: stack.redis.url, WEBHOOK_SECRET: secret, NODE_ENV: 'production' });
  await child.message();
  log(`  p1: ${name} listening on ${url}`);
  return { url, query: '', bodies: name === 'truelayer-peer' ? consents : { kind: 'fresh' }, stack, child };
}

export async function runP1(options: P1Options, log: (line: string) => void): Promise<P1Result> {
  const targets = {} as Record<ServerName, Target>;
  let load: LoadGenerator | undefined;
  try {
    for (const name of servers) targets[name] = await startTarget(name, log);
    load = await startLoadGenerator('p1-autocannon');
    const runs = Object.fromEntries(servers.map((n) => [n, []])) as unknown as P1Result['runs'];
    for (const name of servers) {
      const t = targets[name];
      await load.run({ url: t.url, query: t.query, durationS: options.warmupS, bodies: t.bodies });
    }
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const name of servers) {
        const t = targets[name];
        const cpu = await startCpuMeter(t.stack.redisClient, [t.child], [load.child]);
        const result = await load.run({ url: t.url, query: t.query, durationS: options.durationS, bodies: t.bodies });
        const cpuPerRequest = await cpu.perItem(result.requests);
        t.child.assertAlive();
        runs[name].push({ ...result, cpuPerRequest });
        log(
          `  p1 round ${round}: ${name.padEnd(14)} ${Math.round(result.rps)} req/s, p99 ${result.p99Ms} ms, non-2xx ${result.non2xx}, errors ${result.errors}; ` +
            `CPU ms/request: server ${cpuPerRequest.subjectMs}, redis ${cpuPerRequest.redisMs}, autocannon ${cpuPerRequest.benchMs}`,
        );
      }
    }

    const reauth = targets.reauth;
    // A small set of authIds, each stored once first: every measured request is then a duplicate.
    const seen = Array.from({ length: 200 }, (_, i) => freshAuth(i));
    for (const auth of seen) {
      await fetch(`${reauth.url}/webhooks/tray/expired-auth${reauth.query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(auth) });
    }
    const duplicates = await load.run({ url: reauth.url, query: reauth.query, durationS: options.durationS, bodies: { kind: 'list', auths: seen } });
    log(`  p1 duplicates: reauth ${Math.round(duplicates.rps)} req/s, p99 ${duplicates.p99Ms} ms`);

    const rps = Object.fromEntries(servers.map((n) => [n, round(median(runs[n].map((r) => r.rps)), 0)])) as Record<ServerName, number>;
    const p99Ms = Object.fromEntries(servers.map((n) => [n, median(runs[n].map((r) => r.p99Ms))])) as Record<ServerName, number>;
    const cpu = (n: ServerName) => median(runs[n].map((r) => r.cpuPerRequest.subjectMs + r.cpuPerRequest.redisMs));
    return {
      options,
      runs,
      rps,
      p99Ms,
      duplicates,
      vsPeer: round(rps.reauth / rps.peer, 3),
      vsCeiling: round(rps.reauth / rps.ceiling, 3),
      truelayerVsPeer: round(rps.truelayer / rps['truelayer-peer'], 3),
      cpuVsPeer: round(cpu('peer') / cpu('reauth'), 3),
      cpuVsCeiling: round(cpu('ceiling') / cpu('reauth'), 3),
      truelayerCpuVsPeer: round(cpu('truelayer-peer') / cpu('truelayer'), 3),
    };
  } finally {
    await load?.stop();
    const started = Object.values(targets);
    await stopAll(started.map((t) => t.child));
    await Promise.all(started.map((t) => t.stack.close()));
  }
}
