import { startStack } from './lib/stack.js';
import { enqueueAll } from './lib/pipeline.js';
const n = Number(process.argv[2] ?? 20000);
const stack = await startStack({ trayRateLimit: false });
const auths = stack.populate(100, n);
const queues = await stack.queues();
const r = stack.redisClient;
const used = async () => Number(/used_memory:(\d+)/.exec(await r.info('memory'))?.[1]);
if (process.argv[3]) await r.config('SET', 'hash-max-listpack-value', process.argv[3]);
const before = await used();
const ds0 = Number(/used_memory_dataset:(\d+)/.exec(await r.info('memory'))?.[1]);
await enqueueAll(queues, auths);
const after = await used();
console.log('bytes/job', Math.round((after - before) / n), 'dataset/job', Math.round((Number(/used_memory_dataset:(\d+)/.exec(await r.info('memory'))?.[1]) - ds0) / n));
const keys = await r.keys('*');
const groups = new Map<string, { count: number; bytes: number }>();
for (const k of keys) {
  const g = k.replace(/tray-[0-9a-f]{24}-\d+/, '<id>').replace(/de:tray-auth-[0-9a-f]{24}/, 'de:<dedupe>');
  const bytes = Number(await r.memory('USAGE', k, 'SAMPLES', '0'));
  const e = groups.get(g) ?? { count: 0, bytes: 0 };
  e.count += 1; e.bytes += bytes; groups.set(g, e);
}
for (const [g, e] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes)) console.log(g.padEnd(50), e.count, Math.round(e.bytes / n), 'bytes/job');
const sample = keys.find((k) => /tray-[0-9a-f]{24}-\d+$/.test(k))!;
console.log(sample, await r.hgetall(sample));
console.log(await r.object('ENCODING', sample), await r.memory('USAGE', sample));
await stack.close();
