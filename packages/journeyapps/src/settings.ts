import { readFileSync } from 'node:fs';
import { envSchema, type ProviderSwitch } from '@reauth/config';
import { z } from 'zod';

/**
 * JourneyApps' part of the one env schema, narrowed. Any of the switches turns the provider on;
 * which deployments it sweeps comes from `resolveDeployments`, because a deployments file names
 * its tokens by the env variables that hold them.
 */
export const journeyAppsSettingsSchema = envSchema
  .pick({
    REDIS_PREFIX: true,
    JOURNEYAPPS_API_URL: true,
    JOURNEYAPPS_API_TOKEN: true,
    JOURNEYAPPS_DEPLOYMENTS_FILE: true,
    JOURNEYAPPS_AUTH_SCHEME: true,
    JOURNEYAPPS_SWEEP_CRON: true,
    JOURNEYAPPS_MAX_SESSION_AGE_DAYS: true,
    JOURNEYAPPS_DRY_RUN: true,
    JOURNEYAPPS_NOTIFY: true,
    JOURNEYAPPS_WARN_BEFORE: true,
    JOURNEYAPPS_RATE_LIMIT_RPS: true,
    JOURNEYAPPS_PAGE_SIZE: true,
    JOURNEYAPPS_TIMEOUT_MS: true,
    JOURNEYAPPS_INTAKE_TOKEN: true,
  })
  .superRefine((s, ctx) => {
    if (s.JOURNEYAPPS_DEPLOYMENTS_FILE) {
      if (s.JOURNEYAPPS_API_URL || s.JOURNEYAPPS_API_TOKEN) {
        ctx.addIssue({ code: 'custom', path: ['JOURNEYAPPS_DEPLOYMENTS_FILE'], message: 'set JOURNEYAPPS_DEPLOYMENTS_FILE or JOURNEYAPPS_API_URL/JOURNEYAPPS_API_TOKEN, not both' });
      }
      return;
    }
    for (const key of ['JOURNEYAPPS_API_URL', 'JOURNEYAPPS_API_TOKEN'] as const) {
      if (!s[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required by JourneyApps (or list deployments in JOURNEYAPPS_DEPLOYMENTS_FILE)' });
    }
  });
export type JourneyAppsSettings = z.infer<typeof journeyAppsSettingsSchema>;

export const journeyAppsSwitch: ProviderSwitch = {
  id: 'journeyapps',
  switches: ['JOURNEYAPPS_API_TOKEN', 'JOURNEYAPPS_DEPLOYMENTS_FILE'],
  settings: journeyAppsSettingsSchema,
};

/** One backend deployment: its name (in job ids, reports and the on-demand intake), API base and token. */
export interface Deployment {
  name: string;
  apiUrl: string;
  token: string;
}

/** The single deployment of JOURNEYAPPS_API_URL/JOURNEYAPPS_API_TOKEN. */
export const DEFAULT_DEPLOYMENT = 'default';

const deploymentsFileSchema = z
  .array(
    z.object({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'letters, digits, _ and -, at most 50'),
      api_url: z.url({ protocol: /^https?$/ }),
      token_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name'),
    }),
  )
  .min(1)
  .refine((list) => new Set(list.map((d) => d.name)).size === list.length, 'deployment names must be unique');

export class DeploymentsError extends Error {
  constructor(readonly problems: string[]) {
    super(`JourneyApps deployments are invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Every problem at once: a file that cannot be read, bad entries, or token variables that are not set. */
export function resolveDeployments(settings: JourneyAppsSettings, env: Record<string, string | undefined>): Deployment[] {
  const file = settings.JOURNEYAPPS_DEPLOYMENTS_FILE;
  if (!file) return [{ name: DEFAULT_DEPLOYMENT, apiUrl: settings.JOURNEYAPPS_API_URL!, token: settings.JOURNEYAPPS_API_TOKEN! }];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DeploymentsError([`JOURNEYAPPS_DEPLOYMENTS_FILE ${file}: ${(err as Error).message}`]);
  }
  const parsed = deploymentsFileSchema.safeParse(raw);
  if (!parsed.success) throw new DeploymentsError(parsed.error.issues.map((i) => `${file} ${i.path.join('.') || '(root)'}: ${i.message}`));
  const problems = parsed.data.filter((d) => !env[d.token_env]?.trim()).map((d) => `${file}: deployment ${d.name} names ${d.token_env}, which is not set`);
  if (problems.length > 0) throw new DeploymentsError(problems);
  return parsed.data.map((d) => ({ name: d.name, apiUrl: d.api_url.replace(/\/+$/, ''), token: env[d.token_env]!.trim() }));
}
