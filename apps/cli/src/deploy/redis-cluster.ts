import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startRedisServer, type RedisServer } from '@reauth/redis';

const run = promisify(execFile);

export interface RedisCluster {
  /** `127.0.0.1:port` of every master, as REDIS_CLUSTER_NODES takes them. */
  nodes: string[];
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of `masters` redis-server processes on loopback, slots spread by
 * `redis-cli --cluster create`; resolves once every node reports cluster_state:ok. With a
 * `password`, every node requires it (requirepass) and uses it towards the others (masterauth).
 */
export async function startRedisCluster(dir: string, options: { masters?: number; password?: string } = {}): Promise<RedisCluster> {
  const { masters = 3, password } = options;
  const auth: Record<string, string> = password ? { requirepass: password, masterauth: password } : {};
  // REDISCLI_AUTH rather than -a: the password stays out of the process list.
  const cli = (args: string[]) => run('redis-cli', args, { env: { ...process.env, ...(password ? { REDISCLI_AUTH: password } : {}) } });
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < masters; i += 1) {
      const nodeDir = join(dir, `node-${i}`);
      servers.push(
        await startRedisServer({
          dir: nodeDir,
          extra: {
            'cluster-enabled': 'yes',
            'cluster-config-file': join(nodeDir, 'nodes.conf'),
            // The bus defaults to port + 10000, which a random port can push past 65535 or onto a taken one.
            'cluster-port': String(await freePort()),
            'cluster-node-timeout': '5000',
            ...auth,
          },
        }),
      );
    }
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await cli(['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (const server of servers) {
      for (;;) {
        const { stdout } = await cli(['-p', String(server.port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`redis cluster node ${server.port} not ok:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
