/**
 * What the image's HEALTHCHECK asks (entry: healthcheck-main.ts): do this container's roles
 * answer? The ingress and the dashboard answer `/healthz` on their ports, a worker on METRICS_PORT
 * when it serves one; a worker without it serves no HTTP, so then healthy means Redis answers from
 * this container (a worker process that dies ends the container through tini, and the restart
 * policy takes over).
 */
import { readFileSync } from 'node:fs';
import { parseConfig, parseRoles, redisTarget, type Config, type Role } from '@reauth/config';
import { createRedis } from '@reauth/redis';

const TIMEOUT_MS = 3_000;

/**
 * REAUTH_ROLES, else the `--roles` the container was started with (PID 1 is tini, whose command
 * line carries the app's), so `docker run reauth start --roles notify` is checked as notify.
 */
export function containerRoles(env: NodeJS.ProcessEnv, pid1CommandLine: string[]): Role[] {
  if (env.REAUTH_ROLES) return parseRoles(env.REAUTH_ROLES);
  const at = pid1CommandLine.findIndex((a) => a === '--roles' || a.startsWith('--roles='));
  const arg = pid1CommandLine[at];
  if (at < 0 || arg === undefined) return parseRoles(undefined);
  return parseRoles(arg === '--roles' ? pid1CommandLine[at + 1] : arg.slice('--roles='.length));
}

export function pid1CommandLine(): string[] {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').split('\0');
  } catch {
    return [];
  }
}

async function httpAnswers(url: string, ok: (status: number) => boolean): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    return ok(res.status) ? undefined : `${url} answered ${res.status}`;
  } catch (err) {
    return `${url}: ${(err as Error).message}`;
  }
}

async function redisAnswers(config: Config): Promise<string | undefined> {
  const redis = createRedis(redisTarget(config), 'command', 'reauth-healthcheck');
  redis.on('error', () => undefined);
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref());
    await Promise.race([redis.ping(), timeout]);
    return undefined;
  } catch (err) {
    return `redis: ${(err as Error).message}`;
  } finally {
    redis.disconnect();
  }
}

/** Every problem found; empty means healthy. */
export async function checkHealth(env: NodeJS.ProcessEnv, roles: readonly Role[]): Promise<string[]> {
  const config = parseConfig(env, [], []);
  const probes: Array<Promise<string | undefined>> = [];
  if (roles.includes('ingress')) probes.push(httpAnswers(`http://127.0.0.1:${config.PORT}/healthz`, (s) => s === 200));
  if (roles.includes('dashboard')) probes.push(httpAnswers(`http://127.0.0.1:${config.ADMIN_PORT}/healthz`, (s) => s === 200));
  if (roles.some((r) => r !== 'ingress' && r !== 'dashboard')) {
    // A worker that serves METRICS_PORT answers /healthz itself, the better signal; else Redis must answer.
    probes.push(config.METRICS_PORT !== undefined ? httpAnswers(`http://127.0.0.1:${config.METRICS_PORT}/healthz`, (s) => s === 200) : redisAnswers(config));
  }
  return (await Promise.all(probes)).filter((p): p is string => p !== undefined);
}

