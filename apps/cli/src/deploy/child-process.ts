import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './compose-file.js';

/** One pino JSON line a child wrote to stdout. */
export type LogLine = Record<string, unknown> & { msg?: string; pid?: number };

export interface Child {
  pid: number;
  lines: LogLine[];
  /** Resolves with the first line (already seen or still to come) matching `match`. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export const repoPath = fileURLToPath(repoRoot);

/** `reauth start --roles …` from the TypeScript sources, as `pnpm start` runs it. */
export const sourceCommand = (roles: string): string[] => ['--conditions=@reauth/source', '--import', 'tsx', 'apps/cli/src/main.ts', 'start', '--roles', roles];

/**
 * Runs `node <args>` from the repository root with exactly `env` (plus PATH), collecting its JSON
 * log lines; anything else it prints is kept for the error message when a wait times out.
 */
export function startNode(args: string[], env: Record<string, string>): Child {
  const proc: ChildProcess = spawn(process.execPath, args, {
    cwd: repoPath,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const other: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      other.push(text);
    }
    for (const wake of waiters) wake();
  });
  createInterface({ input: proc.stderr! }).on('line', (text) => other.push(text));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  return {
    pid: proc.pid as number,
    lines,
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`pid ${proc.pid}: no matching log line within ${timeoutMs} ms; exit ${proc.exitCode ?? proc.signalCode ?? 'none'}; output:\n${other.slice(-20).join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
