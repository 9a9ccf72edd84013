import { afterAll, beforeAll } from '@jest/globals';
import { startRedisWithClient, type RedisClient } from '@reauth/redis';

/** For this package's tests: a redis-server for the file, and a getter for its client. */
export function useRedis(): () => RedisClient {
  let test: Awaited<ReturnType<typeof startRedisWithClient>> | undefined;
  beforeAll(async () => {
    test = await startRedisWithClient();
  });
  afterAll(() => test?.stop());
  return () => {
    if (!test) throw new Error('useRedis: Redis is not started yet (use it inside a test)');
    return test.client;
  };
}
