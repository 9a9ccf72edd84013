import { z } from 'zod';
import { idHash } from '@reauth/notification';
import type { Vault } from '@reauth/vault';

const text = (max: number) => z.string().trim().min(1).max(max);

/** What the customer's backend posts about one bank connection (names fixed by the issue). */
export const consentSchema = z.object({
  external_user_id: text(200),
  credentials_id: text(200),
  refresh_token: text(4096),
  redirect_uri: z.url({ protocol: /^https?$/ }).max(2000),
  consent_expires_at: z.iso.datetime({ offset: true }),
  provider: z.object({ provider_id: text(100), display_name: text(200) }),
  state: z.string().max(500).optional(),
  contact: z.object({ email: z.email(), name: z.string().trim().min(1).max(200).optional() }).optional(),
});
export type Consent = z.infer<typeof consentSchema>;

const SEALED = 'sealed:';

/**
 * The consent as the intake passes it on: the signed `webhook-id` travels with it, so a replay is
 * recognised whether spooled or not, and the refresh token is sealed the moment it is validated,
 * so the ingress's disk spool never holds it in clear. Parsing the sealed form again (a spool
 * replay) keeps it as it is.
 */
export function consentPostSchema(vault: Vault) {
  return consentSchema.extend({
    webhook_id: text(200),
    refresh_token: text(4096).transform((token, ctx) => {
      if (!token.startsWith(SEALED)) return SEALED + vault.seal(token);
      if (vault.open(token.slice(SEALED.length)) === undefined) {
        ctx.addIssue({ code: 'custom', message: 'not a refresh token' });
        return z.NEVER;
      }
      return token;
    }),
  });
}
export type ConsentPost = z.infer<ReturnType<typeof consentPostSchema>>;

/** The refresh token of a validated post (its schema has proved it opens). */
export const refreshTokenOf = (vault: Vault, post: ConsentPost) => vault.open(post.refresh_token.slice(SEALED.length)) as string;

export const revokePostSchema = z.object({ credentials_id: text(200), webhook_id: text(200) });
export type RevokePost = z.infer<typeof revokePostSchema>;


/** The credential, as the core's subject key: one open notification per credentials_id. */
export const subjectKeyOf = (credentialsId: string) => idHash(credentialsId);

/** Fixed by the connection and its expiry, so a repost or a spool replay lands on the same notification. */
export const notificationIdFor = (credentialsId: string, consentExpiresAt: number) => `truelayer-${idHash(credentialsId)}-${consentExpiresAt}`;
