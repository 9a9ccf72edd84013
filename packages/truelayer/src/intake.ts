import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { Intake, IntakeRequest, Notifications } from '@reauth/notification';
import type { RedisClient } from '@reauth/redis';
import { createVault } from '@reauth/vault';
import { consentPostSchema, consentSchema, notificationIdFor, refreshTokenOf, revokePostSchema, subjectKeyOf, type ConsentPost, type RevokePost } from './consent.js';
import { firstNotice } from './notices.js';
import type { ConnectionVault, SealedConnection } from './record.js';
import { trueLayerContext } from './record.js';

export interface TrueLayerIntakeOptions {
  redis: RedisClient;
  store: Notifications;
  vault: ConnectionVault;
  /** The key the vaults derive from (TOKEN_CACHE_KEY or LINK_SECRET). */
  sealKey: string;
  secret: string;
  offsets: readonly number[];
  graceMs: number;
}

const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
/** Longer than the library's 5-minute timestamp tolerance either way: an older replay fails the signature. */
const SEEN_MS = 15 * 60_000;

export type ConsentStatus = 'accepted' | 'renewed' | 'updated' | 'duplicate';

const sameConnection = (a: SealedConnection | undefined, b: SealedConnection) => a?.refreshToken === b.refreshToken && a.redirectUri === b.redirectUri && a.state === b.state;

/**
 * The customer's backend posts each bank connection's consent, signed with Standard Webhooks.
 * One open notification per credentials_id: a later expiry renews (the open one completes), the
 * same expiry with another token or redirect_uri updates what is sealed, anything else is a duplicate.
 */
export function trueLayerIntakes(options: TrueLayerIntakeOptions): [Intake<ConsentPost>, Intake<RevokePost>] {
  const webhook = new Webhook(options.secret);
  const { store, vault } = options;
  const intakeVault = createVault(options.sealKey, 'reauth-truelayer-intake-v1');
  // Under the store's hash tag, so the open script can set it (one Cluster slot).
  const seenKey = (id: string) => `${store.base}:truelayer-seen:${id}`;
  const signed = {
    authenticate: (req: IntakeRequest) => HEADERS.every((h) => Boolean(req.header(h))),
    verify(raw: Buffer, req: IntakeRequest) {
      try {
        webhook.verify(raw, Object.fromEntries(HEADERS.map((h) => [h, req.header(h) ?? ''])));
        return true;
      } catch {
        return false;
      }
    },
  };
  /** A webhook-id already acted on answers as a duplicate; it is recorded only once the work is stored. */
  const seen = async (webhookId: string) => (await options.redis.get(seenKey(webhookId))) ?? undefined;
  const remember = (webhookId: string, id: string) => options.redis.set(seenKey(webhookId), id, 'PX', SEEN_MS);

  const consents: Intake<ConsentPost> = {
    name: 'truelayer.consent',
    path: '/webhooks/truelayer/consents',
    summary: "The customer's backend posts a bank connection's consent (Standard Webhooks signed)",
    ...signed,
    body: consentSchema,
    input: (body, req) => ({ ...(body as object), webhook_id: req.header('webhook-id') }),
    schema: consentPostSchema(intakeVault),
    async accept(post, receivedAt): Promise<{ status: ConsentStatus; id: string }> {
      const subjectKey = subjectKeyOf(post.credentials_id);
      // Both reads in one round trip: the answer waits for each Redis trip in turn.
      const [replayed, open] = await Promise.all([seen(post.webhook_id), store.openFor('truelayer', subjectKey)]);
      if (replayed) return { status: 'duplicate', id: replayed };
      const expiresAt = Date.parse(post.consent_expires_at);
      const connection: SealedConnection = { refreshToken: refreshTokenOf(intakeVault, post), redirectUri: post.redirect_uri, ...(post.state !== undefined ? { state: post.state } : {}) };
      const openExpiry = open ? trueLayerContext(open).consentExpiresAt : undefined;
      if (open && openExpiry !== undefined && expiresAt <= openExpiry) {
        const updated = expiresAt === openExpiry && !sameConnection(vault.open(open.sealed), connection);
        if (updated) await store.move(open.id, { sealed: vault.seal(connection), event: { kind: 'step', detail: 'updated: a new refresh token or redirect_uri was posted' } });
        else await store.step(open.id, { kind: 'duplicate', detail: 'the same consent was posted again' });
        await remember(post.webhook_id, open.id);
        return { status: updated ? 'updated' : 'duplicate', id: open.id };
      }
      const id = notificationIdFor(post.credentials_id, expiresAt);
      const first = firstNotice(options.offsets, expiresAt, receivedAt);
      const opened = await store.open({
        id,
        provider: 'truelayer',
        subjectKey,
        ids: { credentialsId: post.credentials_id, externalUserId: post.external_user_id },
        contactKey: post.external_user_id,
        ...(post.contact ? { contact: post.contact } : {}),
        context: { bank: post.provider.display_name, providerId: post.provider.provider_id, consentExpiresAt: expiresAt },
        sealed: vault.seal(connection),
        expiresAt: expiresAt + options.graceMs,
        firstSend: first.send,
        due: first.due,
        replaces: { state: 'completed', reason: 'renewed' },
        detail: `consent expires ${post.consent_expires_at}`,
        // Set in the open's own script: the answer waits for one Redis trip fewer.
        marker: { key: seenKey(post.webhook_id), ttlMs: SEEN_MS },
      });
      return { status: !opened.created ? 'duplicate' : opened.superseded ? 'renewed' : 'accepted', id };
    },
  };

  const revoke: Intake<RevokePost> = {
    name: 'truelayer.revoke',
    path: '/webhooks/truelayer/consents/:credentials_id/revoke',
    summary: "The customer's backend reports that the user disconnected the bank (Standard Webhooks signed)",
    ...signed,
    // The connection is named in the path; the signed body is not read.
    body: z.object({}).loose(),
    input: (_body, req) => ({ credentials_id: req.params.credentials_id, webhook_id: req.header('webhook-id') }),
    schema: revokePostSchema,
    async accept(post) {
      const open = await store.openFor('truelayer', subjectKeyOf(post.credentials_id));
      if (!open) return { status: 'duplicate', id: (await seen(post.webhook_id)) ?? '' };
      await store.move(open.id, { to: 'superseded', reason: 'revoked', event: { kind: 'superseded', detail: 'the user disconnected the bank' } });
      await remember(post.webhook_id, open.id);
      return { status: 'revoked', id: open.id };
    },
  };
  return [consents, revoke];
}
