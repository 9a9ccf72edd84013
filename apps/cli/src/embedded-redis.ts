import { join } from 'node:path';
import type { Logger } from '@reauth/logger';
import { RedisServerMissingError, startRedisServer, type RedisServer } from '@reauth/redis';

/**
 * With no REDIS_URL, local runs start their own `redis-server` (AOF on, data under .data/) so the
 * first `pnpm start` needs nothing but the binary.
 */
export async function embeddedRedis(log: Logger, options: { persistent: boolean }): Promise<RedisServer> {
  try {
    const server = await startRedisServer(options.persistent ? { dir: join(process.cwd(), '.data', 'redis'), appendonly: true } : {});
    log.info({ url: server.url }, 'started an embedded redis-server (set REDIS_URL to use your own)');
    return server;
  } catch (err) {
    if (err instanceof RedisServerMissingError) {
      process.stderr.write(`reauth: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
