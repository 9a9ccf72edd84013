import { envSchema, type ProviderSwitch } from '@reauth/config';
import type { z } from 'zod';

/**
 * TrueLayer's part of the one env schema, narrowed: once the intake secret is set, the fallback
 * page and the secrets that sign links and seal refresh tokens are non-optional in the type.
 */
export const trueLayerSettingsSchema = envSchema
  .pick({
    TRUELAYER_INTAKE_SECRET: true,
    TRUELAYER_ENV: true,
    TRUELAYER_AUTH_URL: true,
    TRUELAYER_CLIENT_ID: true,
    TRUELAYER_CLIENT_SECRET: true,
    TRUELAYER_NOTICES: true,
    TRUELAYER_GRACE: true,
    TRUELAYER_FALLBACK_URL: true,
    TRUELAYER_REAUTH_PROVIDERS: true,
    TRUELAYER_TIMEOUT_MS: true,
    LINK_SECRET: true,
    TOKEN_CACHE_KEY: true,
  })
  .required({ TRUELAYER_INTAKE_SECRET: true, TRUELAYER_FALLBACK_URL: true, LINK_SECRET: true });
export type TrueLayerSettings = z.infer<typeof trueLayerSettingsSchema>;

export const trueLayerSwitch: ProviderSwitch = {
  id: 'truelayer',
  switches: ['TRUELAYER_INTAKE_SECRET'],
  settings: trueLayerSettingsSchema,
};

const AUTH_HOSTS = { live: 'https://auth.truelayer.com', sandbox: 'https://auth.truelayer-sandbox.com' } as const;

/** TRUELAYER_AUTH_URL (a proxy, or the test fake) wins over the host TRUELAYER_ENV names. */
export function trueLayerAuthUrl(settings: Pick<TrueLayerSettings, 'TRUELAYER_ENV' | 'TRUELAYER_AUTH_URL'>): string {
  return (settings.TRUELAYER_AUTH_URL ?? AUTH_HOSTS[settings.TRUELAYER_ENV]).replace(/\/+$/, '');
}

/** The customer's own connect page for a connection that reauthuri cannot renew. */
export function fallbackUrl(template: string, ids: { externalUserId: string; credentialsId: string }): string {
  return template.replaceAll('{external_user_id}', encodeURIComponent(ids.externalUserId)).replaceAll('{credentials_id}', encodeURIComponent(ids.credentialsId));
}
