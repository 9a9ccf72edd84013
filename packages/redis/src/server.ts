import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRedis, type RedisClient } from './connection.js';

export interface RedisServerOptions {
  /** Folder for AOF/RDB files; omit for a purely in-memory server. */
  dir?: string;
  port?: number;
  /** `everysec` gives the durability the reliability tests rely on. */
  appendonly?: boolean;
  /** Extra `--name value` arguments, e.g. `{ 'cluster-enabled': 'yes' }`. */
  extra?: Record<string, string>;
}

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM (or SIGKILL with `hard`) and wait for exit. */
  stop(hard?: boolean): Promise<void>;
  /** Start again on the same port and folder (AOF replays there). */
  restart(): Promise<void>;
}

export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) or set REDIS_URL to an existing Redis.',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function assertInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (probe.error) throw new RedisServerMissingError();
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  assertInstalled();
  const port = options.port ?? (await freePort());
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', options.appendonly ? 'yes' : 'no',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    ...(options.dir ? ['--dir', options.dir] : []),
    ...Object.entries(options.extra ?? {}).flatMap(([k, v]) => [`--${k}`, v]),
  ];
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          proc.stdout?.off('data', onData);
          proc.stdout?.resume();
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.resume();
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
      proc.once('error', reject);
    });
  };

  const stop = async (hard = false): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };

  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, stop, restart: launch };
}

/** A redis-server with one command connection on it, for tests of code that takes a client. */
export async function startRedisWithClient(): Promise<{ server: RedisServer; client: RedisClient; stop(): Promise<void> }> {
  const server = await startRedisServer();
  const client = createRedis({ url: server.url }, 'command', 'test-client');
  return {
    server,
    client,
    async stop() {
      await client.quit().catch(() => client.disconnect());
      await server.stop();
    },
  };
}
