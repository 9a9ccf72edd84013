import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/** One webhook that could not reach Redis: the intake it came through, when, and its validated payload. */
export interface JournalEntry {
  intake: string;
  receivedAt: number;
  payload: unknown;
}

export class SpoolFullError extends Error {
  constructor(maxBytes: number) {
    super(`spool is full (${maxBytes} bytes)`);
  }
}

/**
 * An append-only, fsync'd journal of JSON lines, one set of files per process in a directory that
 * several processes may share. Files are named `<owner>.<n>.journal`; the owner holds a Unix
 * socket `<owner>.sock` for as long as it lives, so another process tells a crashed owner (the
 * connection is refused) from a live one exactly, across containers sharing the volume, with no
 * clock or lease. A file is taken over by renaming it to the taker's name: rename is atomic, so
 * of two processes claiming it one wins.
 */
export interface Journal {
  readonly owner: string;
  /** Resolves once the entry is on disk (written and fsync'd); SpoolFullError past the bound. */
  append(entry: JournalEntry): Promise<void>;
  /** Stops appending to the current file and lists every file this process owns, oldest first. */
  seal(): Promise<string[]>;
  /** Takes over the files of owners that are gone; returns how many. */
  claimOrphans(): Promise<number>;
  /** The complete entries of a file; a torn last line (a crash mid-write) is left out. */
  read(file: string): Promise<JournalEntry[]>;
  /** A file whose entries are all in Redis. */
  remove(file: string): Promise<void>;
  close(): Promise<void>;
}

const journalName = /^([\w-]+)\.(\d+)\.journal$/;

export async function openJournal(dir: string, maxBytes: number): Promise<Journal> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const owner = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const socket = join(dir, `${owner}.sock`);
  const server: Server = createServer((c) => c.destroy());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, () => resolve()));

  let seq = 0;
  let active: { file: string; handle: FileHandle } | undefined;
  /** Bytes this process appended that are not in Redis yet, per file: the bound. */
  const sizes = new Map<string, number>();
  const used = () => [...sizes.values()].reduce((a, b) => a + b, 0);
  let queued: Array<{ line: string; done: (err?: Error) => void }> = [];
  let tail: Promise<unknown> = Promise.resolve();
  // File operations run one at a time, in order: a seal never cuts into a write.
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const result = tail.then(op);
    tail = result.catch(() => undefined);
    return result;
  };
  const nextFile = () => join(dir, `${owner}.${seq++}.journal`);
  const closeActive = async () => {
    await active?.handle.close().catch(() => undefined);
    active = undefined;
  };

  // Everything queued while a write was under way goes out in the next write and fsync.
  const flush = async () => {
    const batch = queued;
    queued = [];
    const data = batch.map((b) => b.line).join('');
    try {
      if (!active) {
        const file = nextFile();
        active = { file, handle: await open(file, 'a', 0o600) };
      }
      await active.handle.write(data);
      await active.handle.sync();
      sizes.set(active.file, (sizes.get(active.file) ?? 0) + Buffer.byteLength(data));
      for (const b of batch) b.done();
    } catch (err) {
      // A partial write leaves a torn line: never append after it, the next entry starts a new file.
      await closeActive();
      for (const b of batch) b.done(err as Error);
    }
  };

  const owned = async () =>
    (await readdir(dir))
      .map((name) => ({ name, match: journalName.exec(name) }))
      .filter((f) => f.match?.[1] === owner)
      .sort((a, b) => Number(a.match?.[2]) - Number(b.match?.[2]))
      .map((f) => join(dir, f.name));

  return {
    owner,
    append(entry) {
      const line = `${JSON.stringify(entry)}\n`;
      const pending = queued.reduce((n, b) => n + Buffer.byteLength(b.line), 0);
      if (used() + pending + Buffer.byteLength(line) > maxBytes) return Promise.reject(new SpoolFullError(maxBytes));
      return new Promise<void>((resolve, reject) => {
        queued.push({ line, done: (err) => (err ? reject(err) : resolve()) });
        if (queued.length === 1) void serial(flush);
      });
    },
    seal: () => serial(async () => (await closeActive(), owned())),
    async claimOrphans() {
      // Only owners with journals: a process that is starting has bound its socket (refusing
      // connections until it listens) but written no journal yet, and must not be taken for dead.
      const others = new Map<string, string[]>();
      for (const name of await readdir(dir)) {
        const theirs = journalName.exec(name)?.[1];
        if (theirs && theirs !== owner) others.set(theirs, [...(others.get(theirs) ?? []), name]);
      }
      let claimed = 0;
      for (const [other, names] of others) {
        if (await isAlive(join(dir, `${other}.sock`))) continue;
        for (const name of names) {
          // ENOENT: another process claimed it first.
          const took = await serial(() => rename(join(dir, name), nextFile()).then(() => true, () => false));
          if (took) claimed += 1;
        }
        await unlink(join(dir, `${other}.sock`)).catch(() => undefined);
      }
      return claimed;
    },
    async read(file) {
      const text = await readFile(file, 'utf8');
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      return complete
        .split('\n')
        .filter(Boolean)
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as JournalEntry];
          } catch {
            return [];
          }
        });
    },
    async remove(file) {
      await unlink(file).catch(() => undefined);
      sizes.delete(file);
    },
    async close() {
      await serial(closeActive);
      await new Promise((resolve) => server.close(resolve));
      await unlink(socket).catch(() => undefined);
    },
  };
}

/** A live owner accepts the connection; a crashed one leaves a socket file that refuses it. */
function isAlive(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'));
  });
}
