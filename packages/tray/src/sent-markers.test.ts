import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRedis, startRedisServer, type RedisClient, type RedisServer } from '@reauth/redis';
import { createSentMarkers } from './sent-markers.js';

let server: RedisServer;
let redis: RedisClient;

beforeAll(async () => {
  server = await startRedisServer();
  redis = createRedis({ url: server.url }, 'command');
});
afterAll(async () => {
  await redis.quit();
  await server.stop();
});

describe('sent markers', () => {
  it('lets one sender claim a notification until the claim is released or runs out', async () => {
    const markers = createSentMarkers(redis, 'test', 60, 1_000, 300);
    expect(await markers.claim('n-1')).toBe(0);
    const left = await markers.claim('n-1');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(300);
    await markers.release('n-1');
    expect(await markers.claim('n-1')).toBe(0);
    await new Promise((r) => setTimeout(r, 350));
    expect(await markers.claim('n-1')).toBe(0);
  });

  it('records a sent notification', async () => {
    const markers = createSentMarkers(redis, 'test');
    expect(await markers.has('n-2')).toBe(false);
    await markers.mark('n-2', '<n-2@reauth>');
    expect(await markers.has('n-2')).toBe(true);
    expect(await redis.ttl('test:tray:sent:n-2')).toBeGreaterThan(29 * 86_400);
  });
});
