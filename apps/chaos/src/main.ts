/**
 * `pnpm chaos [--webhooks N] [--workers N] [--no-notify-kills]`: the full chaos run, its table on
 * stdout and the verdict line last; exit 1 when anything was lost, a duplicate is not tied to a
 * notify SIGKILL, duplicates exceed pool size × notify SIGKILLs, or a dead letter was unintended.
 */
import { parseArgs } from 'node:util';
import { chaosFailures, runChaos, verdict } from './chaos.js';
import { formatReport } from './report.js';

const { values } = parseArgs({
  options: { webhooks: { type: 'string', default: '3000' }, workers: { type: 'string', default: '2' }, 'no-notify-kills': { type: 'boolean', default: false } },
});
const report = await runChaos({
  webhooks: Number(values.webhooks),
  duplicateRate: 0.25,
  workersPerRole: Number(values.workers),
  sendRate: 40,
  killEveryMs: 6_000,
  trayRps: 60,
  noNotifyKills: values['no-notify-kills'],
  timeoutMs: 600_000,
  progress: (line) => process.stderr.write(`chaos: ${line}\n`),
});
process.stdout.write(`${formatReport(report)}\n${verdict(report)}\n`);
process.exitCode = chaosFailures(report).length === 0 ? 0 : 1;
