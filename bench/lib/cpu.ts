import type { Child } from './processes.js';
import type { RedisClient } from './workspace.js';

/**
 * CPU milliseconds per item, split by process: what a measurement cost, not only how long it took.
 * On a shared 2-core machine the split shows where the time went, and it is steadier than wall time.
 */
export interface CpuSplit {
  /** The process(es) under test: reauth, or the baseline's own process. */
  subjectMs: number;
  redisMs: number;
  /** This process (the fake Tray, the SMTP capture) and helpers such as the load generator. */
  benchMs: number;
}

async function redisCpuSeconds(redis: RedisClient): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

export interface CpuMeter {
  perItem(n: number): Promise<CpuSplit>;
}

export async function startCpuMeter(redis: RedisClient, subjects: readonly Child[], helpers: readonly Child[] = []): Promise<CpuMeter> {
  const sum = (children: readonly Child[]) => children.reduce((total, c) => total + c.cpuSeconds(), 0);
  const subject = () => sum(subjects);
  const bench = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6 + sum(helpers);
  };
  const start = { subject: subject(), redis: await redisCpuSeconds(redis), bench: bench() };
  return {
    async perItem(n) {
      const ms = (from: number, to: number) => Math.round(((to - from) * 1000 * 1000) / n) / 1000;
      return { subjectMs: ms(start.subject, subject()), redisMs: ms(start.redis, await redisCpuSeconds(redis)), benchMs: ms(start.bench, bench()) };
    },
  };
}
