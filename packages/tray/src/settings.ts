import { envSchema, type ProviderSwitch } from '@reauth/config';
import type { z } from 'zod';
import { trayEndpoints } from './regions.js';

/**
 * Tray's part of the one env schema, narrowed: once Tray is on, its master token, Embedded ID and
 * the link secret are non-optional in the type, so nothing downstream needs `as string`.
 */
export const traySettingsSchema = envSchema
  .pick({
    REDIS_PREFIX: true,
    TRAY_REGION: true,
    TRAY_GRAPHQL_URL: true,
    TRAY_DIALOG_URL: true,
    TRAY_MASTER_TOKEN: true,
    TRAY_EMBEDDED_ID: true,
    TRAY_LINK_MODE: true,
    TRAY_RATE_LIMIT_RPS: true,
    TRAY_PAGE_SIZE: true,
    TRAY_TIMEOUT_MS: true,
    TRAY_REMINDERS: true,
    WEBHOOK_TOKEN: true,
    DEDUPE_WINDOW_HOURS: true,
    NOTIFY_UNUSED_AUTHS: true,
    LINK_SECRET: true,
    LINK_TTL_DAYS: true,
    TOKEN_CACHE_KEY: true,
  })
  .required({ TRAY_MASTER_TOKEN: true, TRAY_EMBEDDED_ID: true, LINK_SECRET: true });
export type TraySettings = z.infer<typeof traySettingsSchema>;

export const traySwitch: ProviderSwitch = {
  id: 'tray',
  switches: ['TRAY_MASTER_TOKEN', 'TRAY_EMBEDDED_ID', 'WEBHOOK_TOKEN'],
  settings: traySettingsSchema,
  requiredByRole: { ingress: ['WEBHOOK_TOKEN'] },
};

/** Region hosts, each overridable (TRAY_GRAPHQL_URL / TRAY_DIALOG_URL) for white-label or staging. */
export function trayUrls(settings: Pick<TraySettings, 'TRAY_REGION' | 'TRAY_GRAPHQL_URL' | 'TRAY_DIALOG_URL'>): { graphql: string; dialog: string } {
  const region = trayEndpoints[settings.TRAY_REGION];
  return { graphql: settings.TRAY_GRAPHQL_URL ?? region.graphql, dialog: settings.TRAY_DIALOG_URL ?? region.dialog };
}
