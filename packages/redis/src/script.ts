import { createHash } from 'node:crypto';
import type { RedisClient } from './connection.js';

export interface RedisScript {
  run(redis: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown>;
}

/**
 * A Lua script sent by its SHA (EVALSHA), with the full text only when Redis does not know it yet
 * (first use, a restart, a new cluster node), so a large script is not resent with every call.
 */
export function defineScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      const argv = args.map(String);
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...argv);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return redis.eval(source, keys.length, ...keys, ...argv);
      }
    },
  };
}
