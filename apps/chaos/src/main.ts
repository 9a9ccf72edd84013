/**
 * `pnpm chaos [--webhooks N] [--workers N]`: the full chaos run, its table on stdout, exit 1 when
 * anything was lost, doubled outside the stated window, or dead-lettered unintentionally.
 */
import { parseArgs } from 'node:util';
import { chaosPassed, runChaos } from './chaos.js';
import { formatReport } from './report.js';

const { values } = parseArgs({
  options: { webhooks: { type: 'string', default: '3000' }, workers: { type: 'string', default: '2' } },
});
const report = await runChaos({
  webhooks: Number(values.webhooks),
  duplicateRate: 0.25,
  workersPerRole: Number(values.workers),
  sendRate: 40,
  killEveryMs: 6_000,
  trayRps: 60,
  timeoutMs: 600_000,
  progress: (line) => process.stderr.write(`chaos: ${line}\n`),
});
process.stdout.write(`${formatReport(report)}\n`);
process.exitCode = chaosPassed(report) ? 0 : 1;
