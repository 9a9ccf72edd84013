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
  const required = new Set(roles.flatMap((role) => requiredByRole[role]));
  // Empty strings in .env files mean "unset", not "the empty value".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const schema = envSchema.superRefine((cfg, ctx) => {
    for (const key of required) {
      if (cfg[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required by role(s) ${rolesNeeding(key, roles)}` });
    }
    if (roles.includes('dashboard') && cfg.NODE_ENV === 'production' && !cfg.ADMIN_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'required in production: the dashboard refuses to run open' });
    }
    if (cfg.CONTACTS_URL && cfg.CONTACTS_FILE) {
      ctx.addIssue({ code: 'custom', path: ['CONTACTS_FILE'], message: 'set CONTACTS_URL or CONTACTS_FILE, not both' });
    }
    if (cfg.REDIS_URL && cfg.REDIS_CLUSTER_NODES) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: 'set REDIS_URL or REDIS_CLUSTER_NODES, not both' });
    }
  });
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
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
