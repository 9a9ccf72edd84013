import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './compose-file.js';

/** One pino JSON line a child wrote to stdout. */
export type LogLine = Record<string, unknown> & { msg?: string; pid?: number };

export interface Child {
  pid: number;
  lines: LogLine[];
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export const repoPath = fileURLToPath(repoRoot);

/** `reauth start --roles …` from the TypeScript sources, as `pnpm start` runs it. */
export const sourceCommand = (roles: string): string[] => ['--conditions=@reauth/source', '--import', 'tsx', 'apps/cli/src/main.ts', 'start', '--roles', roles];

/**
 * Runs `node <args>` from the repository root with exactly `env` (plus PATH), collecting its JSON
 * log lines. Readiness is its `/readyz` (waitForReady), never a line.
 */
export function startNode(args: string[], env: Record<string, string>): Child {
  const proc: ChildProcess = spawn(process.execPath, args, {
    cwd: repoPath,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines: LogLine[] = [];
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  return {
    pid: proc.pid as number,
    lines,
    async stop(graceMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
