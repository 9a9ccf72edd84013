import { envSchema, type Env } from './schema.js';
import type { Role } from './roles.js';

type EnvKey = keyof Env;

/** What each role of the core cannot run without, whichever providers are on. */
const requiredByRole: Record<Role, EnvKey[]> = {
  ingress: ['LINK_SECRET'],
  'token-lookup': ['LINK_SECRET'],
  'instance-mapping': ['LINK_SECRET'],
  notify: ['SMTP_URL', 'MAIL_FROM', 'LINK_SECRET'],
  reminders: [],
  'journeyapps-sweep': [],
  'journeyapps-force': [],
  events: [],
  dashboard: [],
};

/**
 * A provider's part of the environment. It is on when any of its `switches` is set, and off
 * otherwise (a deployment that uses only one provider needs no settings of another); once on,
 * its `settings` schema must accept the environment, and `requiredByRole` adds what a role needs.
 */
export interface ProviderSwitch {
  id: string;
  switches: readonly EnvKey[];
  settings: { safeParse(env: unknown): { success: true } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } } };
  requiredByRole?: Partial<Record<Role, readonly EnvKey[]>>;
}

export type Config = Env & {
  /** The providers switched on in this environment. */
  providers: readonly string[];
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates `env` for the given roles; throws one ConfigError listing every problem. */
export function parseConfig(env: Record<string, string | undefined>, roles: readonly Role[], providers: readonly ProviderSwitch[]): Config {
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
  if (raw.EVENTS_URL && !raw.EVENTS_SECRET) problems.push('EVENTS_SECRET: required with EVENTS_URL (the events are signed with it)');
  if (raw.CONTACTS_URL && raw.CONTACTS_FILE) problems.push('CONTACTS_FILE: set CONTACTS_URL or CONTACTS_FILE, not both');
  if (raw.REDIS_URL && raw.REDIS_CLUSTER_NODES) problems.push('REDIS_CLUSTER_NODES: set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  // Silently ignoring them would leave a single node connected without the auth the operator meant.
  for (const key of ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_TLS_CA_FILE'] as const) {
    // REDIS_TLS=false beside a URL asks for nothing, so it is no conflict.
    const set = key === 'REDIS_TLS' ? result.data?.REDIS_TLS === true : raw[key] !== undefined;
    if (set && !raw.REDIS_CLUSTER_NODES) problems.push(`${key}: applies to REDIS_CLUSTER_NODES; a single node takes it in REDIS_URL (rediss://user:password@host:port)`);
  }

  const on = providers.filter((p) => p.switches.some((key) => raw[key] !== undefined));
  for (const provider of on) {
    const settings = provider.settings.safeParse(raw);
    const reported = new Set(problems.map((p) => p.split(':')[0]));
    if (!settings.success) {
      for (const issue of settings.error.issues) {
        const key = issue.path.map(String).join('.');
        if (!reported.has(key)) problems.push(`${key}: ${raw[key] === undefined ? `required by provider ${provider.id}` : issue.message}`);
      }
    }
    for (const role of roles) {
      for (const key of provider.requiredByRole?.[role] ?? []) {
        if (raw[key] === undefined) problems.push(`${key}: required by provider ${provider.id} for role ${role}`);
      }
    }
  }

  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return { ...result.data, providers: on.map((p) => p.id) };
}

function rolesNeeding(key: EnvKey, roles: readonly Role[]): string {
  return roles.filter((r) => requiredByRole[r].includes(key)).join(', ');
}

/** For entry points: parse process.env, or print every problem and exit 1. */
export function loadConfig(roles: readonly Role[], providers: readonly ProviderSwitch[], env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env, roles, providers);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`reauth: ${err.message}\nSee .env.example for what each variable means.\n`);
    process.exit(1);
  }
}
