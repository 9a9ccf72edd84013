import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './lib/load.js';
import { startLoadGenerator, type LoadGenerator } from './lib/load-generator.js';
import { startWorkers, waitForMails } from './lib/pipeline.js';
import { startReauth, stopAll, untilReady, type Child } from './lib/processes.js';
import { startStack } from './lib/stack.js';
import { freePort } from './lib/workspace.js';
import { round } from './lib/wait.js';

/**
 * P5, burst: N distinct webhooks as fast as autocannon (50 connections) sends them at the real
 * ingress while the workers run (ingress in one process, the three worker roles in another, the
 * fake Tray unlimited): no 5xx, then how long until every accepted notification is emailed.
 */
export interface P5Options {
  webhooks: number;
  users: number;
}

export interface P5Result {
  options: P5Options;
  load: LoadResult;
  accepted: number;
  burstSeconds: number;
  /** From the end of the burst until the last email. */
  drainSeconds: number;
  /** From the first webhook until the last email. */
  totalSeconds: number;
  emailed: number;
  duplicateEmails: number;
}

export async function runP5(options: P5Options, log: (line: string) => void): Promise<P5Result> {
  const stack = await startStack({ trayRateLimit: false, env: { TRAY_RATE_LIMIT_RPS: '100000' } });
  const children: Child[] = [];
  let generator: LoadGenerator | undefined;
  try {
    const auths = stack.populate(options.users, options.webhooks);
    const bodies = join(stack.dir, 'webhooks.json');
    writeFileSync(bodies, JSON.stringify(auths));
    generator = await startLoadGenerator('p5-autocannon');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const ingress = startReauth('p5-ingress', ['ingress'], stack.env({ PORT: String(port) }));
    children.push(ingress);
    await untilReady(ingress, url);
    children.push(...(await startWorkers(stack, 'one-process', 'p5')));

    const t0 = performance.now();
    const load = await generator.run({ url, query: `?token=${stack.env().WEBHOOK_TOKEN}`, amount: options.webhooks, bodies: { kind: 'file', path: bodies } });
    const burstEnd = performance.now();
    const { accepted } = load;
    log(`  p5: ${load.requests} webhooks in ${round((burstEnd - t0) / 1000, 1)} s (${Math.round(load.rps)} req/s, p99 ${load.p99Ms} ms): ${accepted} accepted, ${load.non2xx} non-2xx, ${load.status5xx} 5xx, ${load.errors} errors`);
    await waitForMails(stack, accepted, children);
    const end = performance.now();
    const result: P5Result = {
      options,
      load,
      accepted,
      burstSeconds: round((burstEnd - t0) / 1000, 2),
      drainSeconds: round((end - burstEnd) / 1000, 2),
      totalSeconds: round((end - t0) / 1000, 2),
      emailed: stack.mails.count(),
      duplicateEmails: stack.mails.duplicates(),
    };
    log(`  p5: all ${result.emailed} emailed ${result.drainSeconds} s after the burst (${result.totalSeconds} s in all; ${round(result.emailed / result.totalSeconds, 0)}/s)`);
    return result;
  } finally {
    await generator?.stop();
    await stopAll(children);
    await stack.close();
  }
}
