import type { ClickOptions, ClickResult, LoadOptions, LoadResult } from './load.js';
import { spawnTs, type Child } from './processes.js';

export interface LoadGenerator {
  child: Child;
  /** Posts webhooks. */
  run(options: LoadOptions): Promise<LoadResult>;
  /** Presses landing page buttons. */
  click(options: ClickOptions): Promise<ClickResult>;
  stop(): Promise<void>;
}

/** Starts bench/servers/load-generator.ts; runs are sent one at a time. */
export async function startLoadGenerator(name: string): Promise<LoadGenerator> {
  const child = spawnTs(name, 'bench/servers/load-generator.ts', [], { NODE_ENV: 'production' });
  await child.message<{ ready?: boolean }>((m) => Boolean(m.ready));
  let nextId = 0;
  async function send<T>(request: { webhooks: LoadOptions } | { clicks: ClickOptions }): Promise<T> {
    const id = nextId++;
    child.send({ id, ...request });
    const reply = await child.message<{ id: number; result?: T; error?: string }>((m) => m.id === id);
    if (!reply.result) throw new Error(`bench: load generator failed: ${reply.error}`);
    return reply.result;
  }
  return {
    child,
    run: (webhooks) => send<LoadResult>({ webhooks }),
    click: (clicks) => send<ClickResult>({ clicks }),
    stop: () => child.stop(),
  };
}
