import { parseArgs } from 'node:util';
import { loadConfig, queueTuning, redisTarget } from '@reauth/config';
import { createNotifications, replayEntry } from '@reauth/notification';
import { getDeadLetter, listDeadLetters, openQueues, purgeDeadLetters } from '@reauth/queues';
import { createRedis } from '@reauth/redis';
import { providerSwitches, workQueueNames } from '@reauth/worker';
import { storeOptions } from './core.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** `reauth dlq …` against the Redis in REDIS_URL / REDIS_CLUSTER_NODES. Returns the exit code. */
export async function dlqCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { all: { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: true });
  const [action, id] = positionals;
  const config = loadConfig([], providerSwitches);
  const target = redisTarget(config);
  // The CLI may wait for Redis a little; it is not answering a webhook.
  const connection = createRedis(target, 'command', 'reauth-cli');
  const queues = openQueues({ target, prefix: config.REDIS_PREFIX, queues: workQueueNames, tuning: queueTuning(config), connection });
  try {
    switch (action) {
      case 'list': {
        const entries = await listDeadLetters(queues);
        if (values.json) out(JSON.stringify(entries, null, 2));
        else {
          out(`${entries.length} dead-letter entr${entries.length === 1 ? 'y' : 'ies'}`);
          for (const e of entries) {
            out(`${e.id}\t${new Date(e.failedAt).toISOString()}\t${e.sourceQueue}\tattempts=${e.attempts}\t${e.replayedAt ? 'replayed' : 'open'}\t${e.reason}`);
          }
        }
        return 0;
      }
      case 'show': {
        const entry = id ? await getDeadLetter(queues, id) : undefined;
        if (!entry) return fail(`no dead-letter entry ${id ?? '(missing id)'}`);
        out(JSON.stringify(entry, null, 2));
        return 0;
      }
      case 'replay': {
        const ids = values.all ? (await listDeadLetters(queues)).filter((e) => !e.replayedAt).map((e) => e.id) : id ? [id] : [];
        if (ids.length === 0) return values.all ? (out('nothing to replay'), 0) : fail('replay needs an id or --all');
        const store = createNotifications(connection, storeOptions(config));
        for (const entryId of ids) out(`${entryId} -> ${(await replayEntry(queues, store, entryId)).replayJobId}`);
        return 0;
      }
      case 'purge':
        await purgeDeadLetters(queues);
        out('dead-letter queue purged');
        return 0;
      default:
        return fail('usage: reauth dlq list [--json] | show <id> | replay <id> | replay --all | purge');
    }
  } finally {
    await queues.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}

function fail(message: string): number {
  process.stderr.write(`reauth dlq: ${message}\n`);
  return 1;
}
