import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';
import { duration, durationList, sendingHoursSchema } from './durations.js';
import { eventTypes } from './event-types.js';

const optionalString = z.string().trim().min(1).optional();
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const bool = (fallback: boolean) => z.stringbool().default(fallback);
/** BullMQ's job schedulers parse patterns with cron-parser: a pattern it takes, BullMQ takes. */
const isCron = (pattern: string) => {
  try {
    CronExpressionParser.parse(pattern, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
};
const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Every variable any reauth process reads. Optional here; roles make some required (see load.ts). */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((s) => s.split(',').map((n) => n.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1))
    .optional(),
  // Cluster connections only: a single node takes them in REDIS_URL (rediss://user:pass@host:port).
  REDIS_USERNAME: optionalString,
  REDIS_PASSWORD: optionalString,
  REDIS_TLS: bool(false),
  REDIS_TLS_CA_FILE: optionalString,
  REDIS_PREFIX: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes').default('reauth'),

  PORT: int(3000, 0),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  WEBHOOK_TOKEN: z.string().min(16, 'use at least 16 random characters').optional(),
  // A Unix socket per process lives here (it tells a crashed owner's journal from a live one), and
  // socket paths are limited to 107 bytes.
  INGRESS_SPOOL_DIR: z.string().trim().min(1).max(80, 'keep it under 80 characters (Unix socket paths are short)').optional(),
  INGRESS_SPOOL_MAX_BYTES: int(64 * 1024 * 1024, 4096),

  TRAY_REGION: z.enum(['us', 'eu', 'apac']).default('us'),
  TRAY_GRAPHQL_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRAY_DIALOG_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRAY_MASTER_TOKEN: optionalString,
  TRAY_EMBEDDED_ID: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -').optional(),
  TRAY_LINK_MODE: z.enum(['edit-auth', 'instance-slot']).default('edit-auth'),
  TRAY_RATE_LIMIT_RPS: int(25, 1),
  TRAY_PAGE_SIZE: int(100, 1),
  TRAY_TIMEOUT_MS: int(10_000, 100),
  // Offsets after the first email; units s, m, h, d.
  TRAY_REMINDERS: z.string().default('3d,6d').pipe(durationList()),

  // The customer's backend signs consent posts with this (Standard Webhooks, whsec_ + base64).
  TRUELAYER_INTAKE_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'expected whsec_ followed by at least 24 base64 characters').optional(),
  TRUELAYER_ENV: z.enum(['live', 'sandbox']).default('live'),
  TRUELAYER_AUTH_URL: z.url({ protocol: /^https?$/ }).optional(),
  // Sent with /v1/reauthuri only when set: whether TrueLayer needs them is UNCONFIRMED.
  TRUELAYER_CLIENT_ID: optionalString,
  TRUELAYER_CLIENT_SECRET: optionalString,
  // Signed offsets from consent_expires_at: negative before it, positive in the grace period.
  TRUELAYER_NOTICES: z.string().default('-14d,-7d,-1d,+1d,+14d').pipe(durationList(true)),
  TRUELAYER_GRACE: z.string().default('90d').pipe(duration),
  TRUELAYER_FALLBACK_URL: z
    .string()
    .refine((s) => URL.canParse(s.replaceAll('{external_user_id}', 'x').replaceAll('{credentials_id}', 'x')), 'must be a URL (it may contain {external_user_id} and {credentials_id})')
    .optional(),
  // Which provider_ids /v1/reauthuri serves (UK only, by TrueLayer's rule); the default is UNCONFIRMED.
  TRUELAYER_REAUTH_PROVIDERS: z
    .string()
    .default('^(uk-|ob-|oauth-)')
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, 'not a regular expression'),
  TRUELAYER_TIMEOUT_MS: int(5_000, 100),

  // One JourneyApps deployment; several go in JOURNEYAPPS_DEPLOYMENTS_FILE instead.
  JOURNEYAPPS_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  JOURNEYAPPS_API_TOKEN: optionalString,
  JOURNEYAPPS_DEPLOYMENTS_FILE: optionalString,
  // UNCONFIRMED outside CloudCode: `token` sends `Authorization: Token <x>` instead of the documented `Bearer O:<x>`.
  JOURNEYAPPS_AUTH_SCHEME: z.enum(['named-token', 'token']).default('named-token'),
  // Five fields (UTC), or six with seconds first.
  JOURNEYAPPS_SWEEP_CRON: z.string().trim().default('0 3 * * *').refine(isCron, 'not a cron pattern like "0 3 * * *"'),
  // Days; fractions allowed (tests use seconds-long ages).
  JOURNEYAPPS_MAX_SESSION_AGE_DAYS: z.coerce.number().positive().default(30),
  JOURNEYAPPS_DRY_RUN: bool(false),
  JOURNEYAPPS_NOTIFY: bool(false),
  JOURNEYAPPS_WARN_BEFORE: duration.optional(),
  JOURNEYAPPS_RATE_LIMIT_RPS: int(10, 1),
  // UNCONFIRMED: the largest `limit` the API accepts.
  JOURNEYAPPS_PAGE_SIZE: int(100, 1),
  JOURNEYAPPS_TIMEOUT_MS: int(10_000, 100),
  JOURNEYAPPS_INTAKE_TOKEN: z.string().min(16, 'use at least 16 random characters').optional(),

  // Lifecycle events to the customer's own systems (Standard Webhooks); off without EVENTS_URL.
  EVENTS_URL: z.url({ protocol: /^https?$/ }).optional(),
  EVENTS_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'expected whsec_ followed by at least 24 base64 characters').optional(),
  EVENTS_TYPES: z.string().optional().transform((raw, ctx) => {
    const list = (raw ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const unknown = list.filter((t) => !(eventTypes as readonly string[]).includes(t));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown event type(s) ${unknown.join(', ')}; known: ${eventTypes.join(', ')}` });
    return list.length > 0 ? list : [...eventTypes];
  }),
  // Waits between delivery attempts (Svix-like), until EVENTS_RETRY_HORIZON has passed since the event.
  EVENTS_RETRY_DELAYS: z.string().default('5s,5m,30m,2h,5h,10h').pipe(durationList()),
  EVENTS_RETRY_HORIZON: z.string().default('24h').pipe(duration),
  EVENTS_TIMEOUT_MS: int(10_000, 100),
  ESCALATE_AFTER: z.string().default('24h').pipe(duration),
  ESCALATION_EMAIL: z.email().optional(),

  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  // Connections of the pooled transport, and so the most messages one notify process can have
  // between "SMTP accepted" and "marked sent" (what a crash there can send twice).
  SMTP_POOL_SIZE: int(5, 1),
  MAIL_FROM: optionalString,
  // Files here replace the shipped email templates of the same name (docs/templates.md).
  TEMPLATES_DIR: optionalString,
  BRAND_NAME: z.string().trim().min(1).max(80).optional(),
  BRAND_LOGO_URL: z.url({ protocol: /^https?$/ }).optional(),
  // Only #rrggbb: the value goes into style attributes, where anything looser could carry CSS.
  BRAND_COLOR: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected #rrggbb').optional(),
  SUPPORT_URL: z.url({ protocol: /^(https?|mailto)$/ }).optional(),
  CONTACTS_URL: z
    .string()
    .refine((s) => s.includes('{external_user_id}'), 'must contain {external_user_id}')
    .refine((s) => URL.canParse(s.replace('{external_user_id}', 'x')), 'must be a URL')
    .optional(),
  CONTACTS_TOKEN: optionalString,
  CONTACTS_FILE: optionalString,

  LINK_SECRET: z.string().min(32, 'use at least 32 random characters').optional(),
  TOKEN_CACHE_KEY: z.string().min(32, 'use at least 32 random characters').optional(),
  LINK_TTL_DAYS: int(14, 1),
  // Hours; fractions allowed (tests and demos use seconds-long windows).
  DEDUPE_WINDOW_HOURS: z.coerce.number().positive().default(72),
  NOTIFY_UNUSED_AUTHS: bool(false),
  REMINDER_HOURS: sendingHoursSchema.optional(),
  REMINDER_TIMEZONE: z.string().refine(isTimeZone, 'not an IANA time zone').default('UTC'),

  JOB_ATTEMPTS: int(8, 1),
  JOB_BACKOFF_MS: int(2_000, 1),
  JOB_LOCK_MS: int(30_000, 100),
  JOB_STALLED_INTERVAL_MS: int(30_000, 100),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 0),

  ADMIN_USER: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: optionalString,
  ADMIN_PORT: int(3001, 0),
  ADMIN_READ_ONLY: bool(false),
  HISTORY_DAYS: int(30, 1),
  // Any process serves /metrics, /healthz, /readyz here when set; 0 takes any free port.
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  // With it, the ingress also serves /metrics on its public PORT, to this Bearer token only.
  METRICS_TOKEN: z.string().min(16, 'use at least 16 random characters').optional(),
});

export type Env = z.infer<typeof envSchema>;

/** The settings a role cannot run without, narrowed to non-optional types (Nango style). */
export const linkSettings = envSchema.pick({ LINK_SECRET: true }).required();
export const mailSettings = envSchema.pick({ SMTP_URL: true, MAIL_FROM: true, SMTP_POOL_SIZE: true }).required();
