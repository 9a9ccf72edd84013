import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@reauth/redis';

/** Takes one call from an upstream's shared budget, waiting for the next window when it is spent. */
export interface RateBudget {
  take(): Promise<void>;
}

/**
 * Upstreams limit requests per account (Tray per org, JourneyApps per deployment), not per
 * client, so every process draws from one Redis counter under `keyPrefix`.
 */
export function createRateBudget(redis: RedisClient, keyPrefix: string, perSecond: number, onWait?: () => void): RateBudget {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: perSecond, duration: 1 });
  return {
    async take() {
      for (;;) {
        try {
          await limiter.consume('calls');
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
