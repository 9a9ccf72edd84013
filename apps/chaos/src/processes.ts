import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The workspace root: reauth processes run from there, as `pnpm start` runs them. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const cliArgs = ['--conditions=@reauth/source', '--import', 'tsx', 'apps/cli/src/main.ts'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ReauthProcess {
  readonly name: string;
  readonly pid: number;
  readonly roles: readonly string[];
  /** Every line written to stdout and stderr, in order; the secrets test greps these. */
  readonly output: string[];
  /** Resolves once every role logged that it is up; rejects if the process exits first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<Exit>;
  readonly running: boolean;
  /** SIGKILL: no handler runs, nothing is flushed, locks are left to expire. */
  kill(): Promise<Exit>;
  /** SIGTERM (or SIGINT), then wait for the exit. */
  stop(signal?: 'SIGTERM' | 'SIGINT'): Promise<Exit>;
}

/**
 * Only what the child needs: inheriting the parent's environment would leak jest's NODE_OPTIONS
 * and any REDIS_URL of the developer's shell into the process under test.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env };
}

const readyMessages = (roles: readonly string[]) => [
  ...(roles.includes('ingress') ? ['ingress listening'] : []),
  ...(roles.some((r) => r !== 'ingress' && r !== 'dashboard') ? ['workers started'] : []),
];

/** `reauth start --roles …` as its own OS process, exactly as an operator runs it. */
export function startReauth(options: { roles: readonly string[]; env: Record<string, string>; name?: string }): ReauthProcess {
  const roles = options.roles;
  const child = spawn(process.execPath, [...cliArgs, 'start', '--roles', roles.join(',')], {
    cwd: repoRoot,
    env: childEnv({ LOG_LEVEL: 'info', ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waitingFor = new Set(readyMessages(roles));
  let markReady: () => void = () => undefined;
  let failReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // Callers that only want the exit must not see an unhandled rejection from a process that never came up.
  ready.catch(() => undefined);

  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (waitingFor.size === 0 || !line.startsWith('{')) continue;
        try {
          const msg = (JSON.parse(line) as { msg?: unknown }).msg;
          if (typeof msg === 'string' && waitingFor.delete(msg) && waitingFor.size === 0) markReady();
        } catch {
          // not a log line
        }
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  let running = true;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      failReady(new Error(`${options.name ?? roles.join(',')} exited (${code ?? signal}) before it was ready:\n${output.slice(-20).join('\n')}`));
      resolve({ code, signal });
    });
  });
  const signal = (sig: NodeJS.Signals) => {
    if (running) child.kill(sig);
    return exited;
  };
  if (waitingFor.size === 0) markReady();

  return {
    name: options.name ?? roles.join(','),
    pid: child.pid ?? -1,
    roles,
    output,
    ready,
    exited,
    get running() {
      return running;
    },
    kill: () => signal('SIGKILL'),
    stop: (sig = 'SIGTERM') => signal(sig),
  };
}

/** A one-shot `reauth …` command (e.g. `dlq list`): its exit code and output. */
export function runReauthCommand(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...cliArgs, ...args], { cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
