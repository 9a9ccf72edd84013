import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { openJournal, SpoolFullError, type Journal } from './journal.js';

let dir: string;
const opened: Journal[] = [];
const journal = async (maxBytes = 1 << 20) => {
  const j = await openJournal(dir, maxBytes);
  opened.push(j);
  return j;
};
const entry = (n: number) => ({ intake: 'tray.expired-auth', receivedAt: 1_000 + n, payload: { authId: `auth-${n}` } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spool-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((j) => j.close()));
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('the spool journal', () => {
  it('appends lines that are fsync’d before the append resolves, many appends sharing one write', async () => {
    const j = await journal();
    await j.append(entry(0));
    const file = (await j.seal())[0] as string;
    // FileHandle's class is not exported; any handle's prototype is the one the journal's use.
    const probe = await open(file, 'r');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const events: string[] = [];
    const sync = proto.sync;
    jest.spyOn(proto, 'sync').mockImplementation(async function (this: unknown) {
      events.push('sync');
      await sync.call(this);
      events.push('synced');
    });
    await Promise.all([1, 2, 3].map((n) => j.append(entry(n)).then(() => events.push(`appended ${n}`))));
    expect(events).toEqual(['sync', 'synced', 'appended 1', 'appended 2', 'appended 3']);
    const files = await j.seal();
    expect(await Promise.all(files.map((f) => j.read(f)))).toEqual([[entry(0)], [entry(1), entry(2), entry(3)]]);
  });

  it('refuses an entry past its bound with SpoolFullError, and takes entries again once replayed', async () => {
    const size = Buffer.byteLength(`${JSON.stringify(entry(0))}\n`);
    const j = await journal(size * 2);
    await j.append(entry(0));
    await j.append(entry(1));
    await expect(j.append(entry(2))).rejects.toBeInstanceOf(SpoolFullError);
    for (const file of await j.seal()) await j.remove(file);
    await j.append(entry(2));
  });

  it('skips a torn last line, as a crash mid-write leaves it', async () => {
    const j = await journal();
    await j.append(entry(0));
    const [file] = await j.seal();
    appendFileSync(file as string, '{"intake":"tray.expired-auth","receivedAt":');
    expect(await j.read(file as string)).toEqual([entry(0)]);
  });

  it('writes only the entry: nothing else of the request reaches the disk', async () => {
    const j = await journal();
    await j.append(entry(7));
    const [file] = await j.seal();
    expect(readFileSync(file as string, 'utf8')).toBe(`${JSON.stringify(entry(7))}\n`);
  });

  it("takes over a crashed process's files, never a live one's, and of two claimers only one gets each file", async () => {
    const live = await journal();
    await live.append(entry(1));

    // A real process that appends and is SIGKILLed: its socket file stays behind, refusing connections.
    const script = `import { openJournal } from ${JSON.stringify(new URL('./journal.ts', import.meta.url).href)};
      const j = await openJournal(${JSON.stringify(dir)}, 1 << 20);
      await j.append(${JSON.stringify(entry(2))});
      process.stdout.write('appended');
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL')));

    const [a, b] = await Promise.all([journal(), journal()]);
    const claims = await Promise.all([a.claimOrphans(), b.claimOrphans()]);
    const taker = claims[0] === 1 ? a : b;
    expect([...claims].sort()).toEqual([0, 1]);
    const taken = await taker.seal();
    expect(await Promise.all(taken.map((f) => taker.read(f)))).toEqual([[entry(2)]]);
    // The live process keeps its own file, and the dead one's socket is gone.
    expect(await Promise.all((await live.seal()).map((f) => live.read(f)))).toEqual([[entry(1)]]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.sock')).length).toBe(3);
  });
});
