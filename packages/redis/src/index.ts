/**
 * @reauth/redis owns every Redis connection reauth opens (single node or Cluster, producer or
 * worker flavour) and the embedded `redis-server` that local runs, the demo and the tests start.
 */
export { createRedis, whenReady, type RedisClient, type RedisRole, type RedisTarget } from './connection.js';
export { startRedisServer, startRedisWithClient, freePort, RedisServerMissingError, type RedisServer, type RedisServerOptions } from './server.js';
export { defineScript, type RedisScript } from './script.js';
