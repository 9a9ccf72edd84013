import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from '@reauth/redis';

/**
 * Every key of a single-node Redis with its whole value, whatever the type (job hashes, lists,
 * sorted sets, BullMQ's event streams, plain strings), as one text to search for secrets.
 */
export async function dumpRedis(client: RedisClient): Promise<{ keys: number; text: string }> {
  const parts: string[] = [];
  let keys = 0;
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      parts.push(key, await valueOf(client, key));
    }
  } while (cursor !== '0');
  return { keys, text: parts.join('\n') };
}

async function valueOf(client: RedisClient, key: string): Promise<string> {
  switch (await client.type(key)) {
    case 'string':
      return (await client.getBuffer(key))?.toString('latin1') ?? '';
    case 'hash':
      return JSON.stringify(await client.hgetall(key));
    case 'list':
      return (await client.lrange(key, 0, -1)).join('\n');
    case 'set':
      return (await client.smembers(key)).join('\n');
    case 'zset':
      return (await client.zrange(key, '0', '-1', 'WITHSCORES')).join('\n');
    case 'stream':
      return JSON.stringify(await client.xrange(key, '-', '+'));
    default:
      return '';
  }
}

/** The AOF holds every write ever made, including keys deleted since: the strictest place to look. */
export function readAof(dir: string): string {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(readFileSync(full).toString('latin1'));
    }
  };
  walk(dir);
  return files.join('\n');
}
