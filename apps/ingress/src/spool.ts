import type { Logger } from '@reauth/logger';
import type { RedisClient } from '@reauth/redis';
import { IntakeRefused, type Intake } from '@reauth/notification';
import { openJournal, type Journal } from './journal.js';

export interface Spool {
  /** On disk when it resolves; rejects with SpoolFullError past the bound. */
  append<T>(intake: Intake<T>, payload: T, receivedAt: number): Promise<void>;
  close(): Promise<void>;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  connection: RedisClient;
  intakes: readonly Intake[];
  timeoutMs: number;
  log: Logger;
}

const RETRY_MS = 1_000;

/**
 * The ingress's fallback while Redis is away: notices go to the journal and are replayed through
 * their intake's enqueue once Redis is ready again, this process's own and those of processes that
 * died with entries left. A file is removed only after every entry in it is in Redis; a replay cut
 * off halfway starts that file again, which dedupe makes harmless.
 */
export async function startSpool(options: SpoolOptions): Promise<Spool> {
  const journal = await openJournal(options.dir, options.maxBytes);
  const intakes = new Map(options.intakes.map((i) => [i.name, i]));
  const log = options.log.child({ component: 'spool', owner: journal.owner });
  let replaying: Promise<void> | undefined;
  let again = false;
  let closing = false;
  let retry: NodeJS.Timeout | undefined;

  const later = () => {
    if (closing || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      kick();
    }, RETRY_MS);
    retry.unref();
  };

  const kick = () => {
    if (closing) return;
    if (replaying) {
      again = true;
      return;
    }
    replaying = replayAll(journal)
      .catch((err: Error) => {
        log.warn({ err: err.message }, 'spool replay interrupted; retrying when Redis is ready');
        later();
      })
      .finally(() => {
        replaying = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  };

  async function replayAll(j: Journal): Promise<void> {
    if (options.connection.status !== 'ready') return;
    const claimed = await j.claimOrphans();
    if (claimed > 0) log.warn({ files: claimed }, 'took over the spool of a process that is gone');
    for (const file of await j.seal()) {
      const entries = await j.read(file);
      let replayed = 0;
      for (const entry of entries) {
        if (closing) return;
        const intake = intakes.get(entry.intake);
        const parsed = intake?.schema.safeParse(entry.payload);
        if (!intake || !parsed?.success) {
          // No version of this process can ever store it; keeping it would retry it for ever.
          log.error({ intake: entry.intake, receivedAt: entry.receivedAt }, 'dropping a spooled notice no intake accepts');
          continue;
        }
        try {
          await withTimeout(intake.accept(parsed.data, entry.receivedAt), options.timeoutMs);
        } catch (err) {
          if (!(err instanceof IntakeRefused)) throw err;
          log.error({ intake: entry.intake, receivedAt: entry.receivedAt, err: err.message }, 'dropping a spooled notice its intake refuses');
          continue;
        }
        replayed += 1;
      }
      await j.remove(file);
      if (entries.length > 0) log.info({ replayed }, 'replayed spooled notices');
    }
  }

  options.connection.on('ready', kick);
  kick();

  return {
    async append(intake, payload, receivedAt) {
      await journal.append({ intake: intake.name, receivedAt, payload });
      // Spooled on a timeout while the connection stayed ready: no 'ready' event will come.
      later();
    },
    async close() {
      closing = true;
      clearTimeout(retry);
      options.connection.off('ready', kick);
      await replaying;
      await journal.close();
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}
