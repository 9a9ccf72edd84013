import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@reauth/redis';

/** Takes one Tray call from the org-wide budget, waiting for the next window when it is spent. */
export interface RateBudget {
  take(): Promise<void>;
}

/**
 * Tray limits requests per org (30/s, bursts to 50), not per client, so every process draws from
 * one Redis counter. The default 25/s leaves headroom for clock skew between windows.
 */
export function createRateBudget(redis: RedisClient, keyPrefix: string, perSecond: number, onWait?: () => void): RateBudget {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: perSecond, duration: 1 });
  return {
    async take() {
      for (;;) {
        try {
          await limiter.consume('tray');
          return;
        } catch (res) {
          if (!(res instanceof RateLimiterRes)) throw res;
          onWait?.();
          await new Promise((r) => setTimeout(r, res.msBeforeNext + Math.random() * 50));
        }
      }
    },
  };
}

/** For tests and the demo where no budget applies. */
export const unlimitedBudget: RateBudget = { take: async () => undefined };
