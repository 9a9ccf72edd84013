import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@reauth/redis';
import { waitForReady } from '@reauth/testkit';

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
  /** Resolves once the process's /readyz answers 200; rejects if the process exits first. */
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

/**
 * `reauth start --roles …` as its own OS process, exactly as an operator runs it. A process
 * without the ingress gets a free METRICS_PORT (chosen before the spawn, so `pid` is -1 for that
 * moment), and `ready` polls the process's `/readyz`: the ingress's on PORT, anything else's there.
 */
export function startReauth(options: { roles: readonly string[]; env: Record<string, string>; name?: string }): ReauthProcess {
  const roles = options.roles;
  const name = options.name ?? roles.join(',');
  const output: string[] = [];
  let running = true;
  let pid = -1;
  const spawned = (async () => {
    const env: Record<string, string> = { LOG_LEVEL: 'info', ...options.env };
    if (!roles.includes('ingress') && env.METRICS_PORT === undefined) env.METRICS_PORT = String(await freePort());
    const port = roles.includes('ingress') ? env.PORT : env.METRICS_PORT;
    const child = spawn(process.execPath, [...cliArgs, 'start', '--roles', roles.join(',')], { cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    pid = child.pid ?? -1;
    return { child, readyUrl: `http://127.0.0.1:${port}/readyz` };
  })();

  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      output.push(...lines);
    });
  };
  const exited = spawned.then(
    ({ child }) =>
      new Promise<Exit>((resolve) => {
        collect(child.stdout);
        collect(child.stderr);
        child.once('exit', (code, signal) => {
          running = false;
          resolve({ code, signal });
        });
      }),
  );
  const gone = new AbortController();
  void exited.then(() => gone.abort());
  const ready = (async () => {
    const { readyUrl } = await spawned;
    const stillRunning = waitForReady(readyUrl, 60_000, gone.signal);
    await Promise.race([stillRunning, exited.then((e) => Promise.reject(new Error(`exited (${e.code ?? e.signal})`)))]);
  })().catch((err: Error) => {
    throw new Error(`${name} was not ready: ${err.message}\n${output.slice(-20).join('\n')}`);
  });
  // Callers that only want the exit must not see an unhandled rejection from a process that never came up.
  ready.catch(() => undefined);

  const signal = async (sig: NodeJS.Signals) => {
    const { child } = await spawned;
    if (running) child.kill(sig);
    return exited;
  };

  return {
    name,
    get pid() {
      return pid;
    },
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
