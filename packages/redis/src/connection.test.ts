import { describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import { createRedis } from './connection.js';
import { freePort } from './server.js';

describe('cluster connections', () => {
  it('give every node connection the username, password and TLS of the target', async () => {
    const seed = `127.0.0.1:${await freePort()}`;
    const cluster = createRedis({ clusterNodes: [seed], username: 'reauth', password: 'pass-1234567890', tls: { ca: 'PEM' } }, 'command') as Cluster;
    const plain = createRedis({ clusterNodes: [seed] }, 'command') as Cluster;
    try {
      expect(cluster.options.redisOptions).toMatchObject({ username: 'reauth', password: 'pass-1234567890', tls: { ca: 'PEM' } });
      expect(plain.options.redisOptions).not.toHaveProperty('password');
      expect(plain.options.redisOptions).not.toHaveProperty('tls');
    } finally {
      cluster.disconnect();
      plain.disconnect();
    }
  });
});
