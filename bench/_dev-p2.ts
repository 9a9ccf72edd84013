import { drainPipeline } from './lib/pipeline.js';
import { profileChildrenInto } from './lib/processes.js';
import { startStack } from './lib/stack.js';
const n = Number(process.argv[2] ?? 8000);
if (process.argv[3]) profileChildrenInto(process.argv[3]);
const stack = await startStack({ trayRateLimit: false, env: { TRAY_RATE_LIMIT_RPS: '100000' } });
const auths = stack.populate(Math.round(n / 10), n);
await stack.redisClient.config('RESETSTAT');
const r = await drainPipeline(stack, auths, 'one-process', 'dev');
console.log(JSON.stringify({ ...r, calls: stack.tray.calls.length }));
const stats = await stack.redisClient.info('commandstats');
for (const line of stats.split('\n').filter((l) => l.startsWith('cmdstat_'))) {
  const [, name, calls, usec] = /cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line) ?? [];
  console.log(name?.padEnd(20), (Number(calls) / n).toFixed(2), 'per notification', (Number(usec) / n).toFixed(1), 'us');
}
await stack.close();
