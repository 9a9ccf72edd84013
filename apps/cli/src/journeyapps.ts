import { parseArgs } from 'node:util';
import { loadConfig, queueTuning, redisTarget, type Config } from '@reauth/config';
import { journeyAppsSettingsSchema, resolveDeployments, type SweepReport } from '@reauth/journeyapps';
import { createLogger, type Logger } from '@reauth/logger';
import { openQueues, queuePrefix } from '@reauth/queues';
import { createRedis } from '@reauth/redis';
import { providerSwitches, workQueueNames } from '@reauth/worker';
import { QueueEvents } from 'bullmq';
import { runRoles } from './process.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Runs one sweep of each named deployment now, through the sweep queue (so it is retried, resumed
 * and dead-lettered like a scheduled one), with a sweep worker in this process so it runs even
 * where none is deployed. Force jobs go to the journeyapps-force workers.
 */
export async function sweepNow(config: Config, env: Record<string, string | undefined>, options: { deployments?: string[]; dryRun: boolean; log: Logger }): Promise<SweepReport[]> {
  const known = resolveDeployments(journeyAppsSettingsSchema.parse(env), env).map((d) => d.name);
  const wanted = options.deployments ?? known;
  const unknown = wanted.filter((d) => !known.includes(d));
  if (unknown.length > 0) throw new Error(`unknown deployment(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const target = redisTarget(config);
  const queues = openQueues({ target, prefix: config.REDIS_PREFIX, queues: workQueueNames, tuning: queueTuning(config) });
  const eventsConnection = createRedis(target, 'worker', 'reauth-cli-events');
  const events = new QueueEvents('journeyapps-sweep', { connection: eventsConnection, prefix: queuePrefix(config.REDIS_PREFIX, 'journeyapps-sweep') });
  const running = await runRoles(config, ['journeyapps-sweep'], options.log, env);
  try {
    await events.waitUntilReady();
    const reports: SweepReport[] = [];
    for (const deployment of wanted) {
      const job = await queues.get('journeyapps-sweep').add('journeyapps.sweep', { deployment, trigger: 'cli', dryRun: options.dryRun }, { attempts: 1 });
      reports.push((await job.waitUntilFinished(events)) as SweepReport);
    }
    return reports;
  } finally {
    await running.stop();
    await events.close();
    await eventsConnection.quit().catch(() => eventsConnection.disconnect());
    await queues.close();
  }
}

export function formatReport(r: SweepReport): string[] {
  const lines = [
    `sweep of ${r.deployment}${r.dryRun ? ' (dry run: nothing forced)' : ''}: ${r.outcome ?? 'unfinished'}`,
    `  users scanned      ${r.usersScanned}`,
    `  sessions examined  ${r.sessionsExamined}`,
    `  ${r.dryRun ? 'would force       ' : 'forced (queued)   '} ${r.forced}`,
    `  heads-up emails    ${r.warned}`,
    `  signed in again    ${r.completed}`,
    `  skipped            young ${r.skipped.young}, not enrolled ${r.skipped.notEnrolled}, user locked ${r.skipped.userLocked}`,
    `  failures           ${r.failures} (429s waited out: ${r.rateLimited})`,
  ];
  for (const s of r.wouldForce ?? []) lines.push(`  would force ${s.userId} / ${s.sessionId} (signed in ${s.lastAuthenticatedAt})`);
  if (r.error) lines.push(`  error: ${r.error}`);
  return lines;
}

/** `reauth journeyapps sweep [--dry-run] [--deployment a,b] [--json]`. Returns the exit code. */
export async function journeyAppsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'dry-run': { type: 'boolean', default: false }, deployment: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals[0] !== 'sweep') {
    process.stderr.write('usage: reauth journeyapps sweep [--dry-run] [--deployment name[,name]] [--json]\n');
    return 1;
  }
  const config = loadConfig(['journeyapps-sweep'], providerSwitches);
  if (!config.providers.includes('journeyapps')) {
    process.stderr.write('reauth: JourneyApps is off: set JOURNEYAPPS_API_URL and JOURNEYAPPS_API_TOKEN, or JOURNEYAPPS_DEPLOYMENTS_FILE\n');
    return 1;
  }
  try {
    const reports = await sweepNow(config, process.env, {
      dryRun: values['dry-run'],
      ...(values.deployment ? { deployments: values.deployment.split(',').map((d) => d.trim()) } : {}),
      log: createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }),
    });
    for (const r of reports) (values.json ? [JSON.stringify(r)] : formatReport(r)).forEach(out);
    return reports.every((r) => r.outcome === 'completed') ? 0 : 1;
  } catch (err) {
    process.stderr.write(`reauth: sweep failed: ${(err as Error).message}\n`);
    return 1;
  }
}
