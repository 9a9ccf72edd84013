import type { LoadOptions, LoadResult } from './load.js';
import { spawnTs, type Child } from './processes.js';

export interface LoadGenerator {
  child: Child;
  run(options: LoadOptions): Promise<LoadResult>;
  stop(): Promise<void>;
}

/** Starts bench/servers/load-generator.ts; runs are sent one at a time. */
export async function startLoadGenerator(name: string): Promise<LoadGenerator> {
  const child = spawnTs(name, 'bench/servers/load-generator.ts', [], { NODE_ENV: 'production' });
  await child.message<{ ready?: boolean }>((m) => Boolean(m.ready));
  let nextId = 0;
  return {
    child,
    async run(options) {
      const id = nextId++;
      child.send({ id, options });
      const reply = await child.message<{ id: number; result?: LoadResult; error?: string }>((m) => m.id === id);
      if (!reply.result) throw new Error(`bench: load generator failed: ${reply.error}`);
      return reply.result;
    },
    stop: () => child.stop(),
  };
}
