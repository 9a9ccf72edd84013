import { envSchema, type Env } from './schema.js';
import type { Role } from './roles.js';

type EnvKey = keyof Env;

/** What each role cannot run without. */
const requiredByRole: Record<Role, EnvKey[]> = {
  ingress: ['WEBHOOK_TOKEN', 'LINK_SECRET', 'TRAY_MASTER_TOKEN', 'TRAY_EMBEDDED_ID'],
  'token-lookup': ['TRAY_MASTER_TOKEN', 'LINK_SECRET'],
  'instance-mapping': ['TRAY_MASTER_TOKEN', 'LINK_SECRET'],
  notify: ['SMTP_URL', 'MAIL_FROM', 'LINK_SECRET'],
  dashboard: [],
};

export type Config = Env;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates `env` for the given roles; throws one ConfigError listing every problem. */
export function parseConfig(env: Record<string, string | undefined>, roles: readonly Role[]): Config {
  // Empty strings in .env files mean "unset", not "the empty value".
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  const result = envSchema.safeParse(raw);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);

  // Checked on the raw values so they are reported together with type errors, not after them.
  const required = new Set(roles.flatMap((role) => requiredByRole[role]));
  for (const key of required) {
    if (raw[key] === undefined) problems.push(`${key}: required by role(s) ${rolesNeeding(key, roles)}`);
  }
  if (roles.includes('dashboard') && raw.NODE_ENV === 'production' && !raw.ADMIN_PASSWORD) {
    problems.push('ADMIN_PASSWORD: required in production: the dashboard refuses to run open');
  }
  if (raw.CONTACTS_URL && raw.CONTACTS_FILE) problems.push('CONTACTS_FILE: set CONTACTS_URL or CONTACTS_FILE, not both');
  if (raw.REDIS_URL && raw.REDIS_CLUSTER_NODES) problems.push('REDIS_CLUSTER_NODES: set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  // Silently ignoring them would leave a single node connected without the auth the operator meant.
  for (const key of ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_TLS_CA_FILE'] as const) {
    // REDIS_TLS=false beside a URL asks for nothing, so it is no conflict.
    const set = key === 'REDIS_TLS' ? result.data?.REDIS_TLS === true : raw[key] !== undefined;
    if (set && !raw.REDIS_CLUSTER_NODES) problems.push(`${key}: applies to REDIS_CLUSTER_NODES; a single node takes it in REDIS_URL (rediss://user:password@host:port)`);
  }

  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

function rolesNeeding(key: EnvKey, roles: readonly Role[]): string {
  return roles.filter((r) => requiredByRole[r].includes(key)).join(', ');
}

/** For entry points: parse process.env, or print every problem and exit 1. */
export function loadConfig(roles: readonly Role[], env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env, roles);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`reauth: ${err.message}\nSee .env.example for what each variable means.\n`);
    process.exit(1);
  }
}
