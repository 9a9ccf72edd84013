import { afterEach } from '@jest/globals';
import { startHttpProxy, startReauth, startWorld, type HttpProxy, type ReauthProcess, type World, type WorldOptions } from '@reauth/chaos';

/**
 * What a reliability test starts is torn down after it: reauth processes are killed (in parallel),
 * then proxies and worlds are closed in the reverse order they were started.
 */
export function reliabilityFixture() {
  const processes: ReauthProcess[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    for (const close of closers.splice(0).reverse()) await close();
  });
  return {
    /** Started processes of the current test; tests that start their own push them here. */
    processes,
    start(world: World, roles: string[], env: Record<string, string> = {}): ReauthProcess {
      const p = startReauth({ roles, env: { ...world.env, ...env } });
      processes.push(p);
      return p;
    },
    async world(options?: WorldOptions): Promise<World> {
      const world = await startWorld(options);
      closers.push(() => world.stop());
      return world;
    },
    async proxy(upstreamOrigin: string): Promise<HttpProxy> {
      const proxy = await startHttpProxy(upstreamOrigin);
      closers.push(() => proxy.close());
      return proxy;
    },
  };
}
