import { drainPipeline, type Drained } from './lib/pipeline.js';
import { startStack } from './lib/stack.js';
import { round } from './lib/wait.js';

/**
 * P3, Tray budget: the fake Tray limits like the real one (30 req/s, bursts of 50) and reauth runs
 * with its default org-wide budget (TRAY_RATE_LIMIT_RPS=25), one process per role so the budget is
 * shared the way production shares it. Does reauth use the budget fully, stay under Tray's limit,
 * and reuse each user's token across that user's auths?
 */
export interface P3Options {
  notifications: number;
  users: number;
}

export interface P3Result {
  options: P3Options;
  configuredRps: number;
  pipeline: Drained;
  trayCalls: number;
  callsByOperation: Record<string, number>;
  /** Calls per second between the first and the last Tray call. */
  achievedRps: number;
  /** Most calls Tray saw within any one second. */
  peakCallsPerSecond: number;
  rateLimitErrors: number;
  callsPerNotification: number;
  utilisation: number;
}

function peakPerSecond(times: readonly number[]): number {
  let peak = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi += 1) {
    while ((times[hi] as number) - (times[lo] as number) >= 1_000) lo += 1;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

export async function runP3(options: P3Options, log: (line: string) => void): Promise<P3Result> {
  const stack = await startStack({ trayRateLimit: { rps: 30, burst: 50 } });
  try {
    const configuredRps = stack.config.TRAY_RATE_LIMIT_RPS;
    const auths = stack.populate(options.users, options.notifications);
    log(`  p3: ${options.notifications} auths over ${options.users} users at a ${configuredRps} req/s budget; about ${Math.round((options.notifications + options.users) / configuredRps)} s`);
    const pipeline = await drainPipeline(stack, auths, 'per-role', 'p3');
    const calls = [...stack.tray.calls].sort((a, b) => a.at - b.at);
    const times = calls.map((c) => c.at);
    const spanS = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    const achievedRps = spanS > 0 ? (calls.length - 1) / spanS : 0;
    const callsByOperation: Record<string, number> = {};
    for (const call of calls) callsByOperation[call.operation] = (callsByOperation[call.operation] ?? 0) + 1;
    const result: P3Result = {
      options,
      configuredRps,
      pipeline,
      trayCalls: calls.length,
      callsByOperation,
      achievedRps: round(achievedRps, 2),
      peakCallsPerSecond: peakPerSecond(times),
      rateLimitErrors: stack.tray.rateLimitErrors,
      callsPerNotification: round(calls.length / stack.mails.count(), 3),
      utilisation: round(achievedRps / configuredRps, 3),
    };
    log(
      `  p3: ${result.trayCalls} Tray calls ${JSON.stringify(callsByOperation)} at ${result.achievedRps}/s (peak ${result.peakCallsPerSecond} in 1 s), ` +
        `${result.rateLimitErrors} rate-limit errors, ${result.callsPerNotification} calls/notification`,
    );
    return result;
  } finally {
    await stack.close();
  }
}
