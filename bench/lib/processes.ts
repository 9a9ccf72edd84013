import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { until } from './wait.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Set by `--profile`: every child writes V8 CPU profiles into a folder of its own there when it exits. */
let cpuProfileDir: string | undefined;
export function profileChildrenInto(dir: string): void {
  cpuProfileDir = dir;
}

export interface Child {
  name: string;
  pid: number;
  /** Throws (with the child's last output) if it exited before stop() was called. */
  assertAlive(): void;
  /** The next IPC message matching `accept`. */
  message<T>(accept?: (msg: T) => boolean): Promise<T>;
  send(msg: unknown): void;
  /** Resident set size in bytes, read from the OS. */
  rss(): number;
  /** CPU seconds used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const TAIL_LINES = 60;

// An interrupted run must not leave reauth processes behind.
const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((proc) => proc.kill('SIGKILL')));

/**
 * Runs a TypeScript entry as its own Node process the way reauth runs in development, with only
 * the environment given: a REDIS_URL in the caller's shell must not leak into a measurement.
 */
export function spawnTs(name: string, script: string, args: string[], env: Record<string, string>): Child {
  const nodeArgs = ['--conditions=@reauth/source', '--import', 'tsx'];
  // One folder per child: tsx's loader thread writes a profile of its own next to the main thread's.
  if (cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}/${name}`);
  const base = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: repoRoot,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(proc);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${chunk.toString()}`);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);

  let stopping = false;
  let died: Error | undefined;
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      if (!stopping) died = new Error(`bench: ${name} exited unexpectedly (${signal ?? code}); last output:\n${tail.join('\n')}`);
      resolve();
    }),
  );
  const inbox: unknown[] = [];
  const waiters = new Set<() => void>();
  proc.on('message', (msg) => {
    inbox.push(msg);
    for (const wake of waiters) wake();
  });

  const child: Child = {
    name,
    pid: proc.pid ?? -1,
    assertAlive() {
      if (died) throw died;
    },
    message<T>(accept: (msg: T) => boolean = () => true) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const index = inbox.findIndex((m) => accept(m as T));
          if (index >= 0) {
            waiters.delete(check);
            resolve(inbox.splice(index, 1)[0] as T);
          } else if (died) {
            waiters.delete(check);
            reject(died);
          }
        };
        waiters.add(check);
        void exited.then(check);
        check();
      });
    },
    send(msg) {
      proc.send?.(msg as object);
    },
    rss: () => rssOf(child.pid),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      stopping = true;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return child;
}

/** Until the process at `baseUrl` answers its /readyz, failing at once if it died. */
export async function untilReady(child: Child, baseUrl: string): Promise<void> {
  await until(`${child.name} to be ready`, async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.ok, { guard: () => child.assertAlive() });
}

/** A reauth process exactly as operators start it: `reauth start --roles …`. */
export function startReauth(name: string, roles: readonly string[], env: Record<string, string>): Child {
  return spawnTs(name, 'apps/cli/src/main.ts', ['start', '--roles', roles.join(',')], env);
}

export function rssOf(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) * 1024;
}

// USER_HZ, the unit of /proc/<pid>/stat times: 100 on every mainstream Linux build.
const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used so far, in seconds; Linux only (NaN elsewhere). */
export function cpuSecondsOf(pid: number): number {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return Number.NaN;
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const text = readFileSync(stat, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export async function stopAll(children: readonly Child[]): Promise<void> {
  await Promise.all(children.map((c) => c.stop()));
}
