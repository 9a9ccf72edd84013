import { createContactLookup, type ContactSource } from '@reauth/contacts';
import { trayUrls, type Config } from '@reauth/config';
import { createMailer } from '@reauth/email';
import { createLinkSigner } from '@reauth/links';
import { enqueuer, type QueueSet } from '@reauth/queues';
import type { RedisClient } from '@reauth/redis';
import { createTrayClient, type TrayClientOptions } from './client.js';
import { trayJobs } from './jobs.js';
import { createReauthLinks } from './links.js';
import { createRateBudget } from '@reauth/rate-budget';
import { createSentMarkers } from './sent-markers.js';
import type { PipelineHooks, TrayServices } from './services.js';
import { createUserTokens } from './token-cache.js';

function required<T>(value: T | undefined, name: string): T {
  // Config validation per role makes this unreachable in a correctly started process.
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

function contactSource(config: Config): ContactSource {
  if (config.CONTACTS_URL) return { kind: 'url', template: config.CONTACTS_URL, ...(config.CONTACTS_TOKEN ? { token: config.CONTACTS_TOKEN } : {}) };
  if (config.CONTACTS_FILE) return { kind: 'file', path: config.CONTACTS_FILE };
  return { kind: 'external-id' };
}

export interface TrayServicesHandle extends TrayServices {
  close(): void;
}

/** Metrics and history hooks of the process; every one optional. */
export interface TrayHooks extends Pick<TrayClientOptions, 'onCall'>, PipelineHooks {
  /** The org-wide Tray budget was spent and a call waits for the next window. */
  onBudgetWait?: () => void;
}

/** Builds each Tray service on first use from the validated config and one command connection. */
export function trayServicesFromConfig(config: Config, redis: RedisClient, queues: QueueSet, hooks: TrayHooks = {}): TrayServicesHandle {
  const { onCall, onBudgetWait, onStep, onEmail } = hooks;
  const linkSecret = () => required(config.LINK_SECRET, 'LINK_SECRET');
  const tray = once(() =>
    createTrayClient({
      graphqlUrl: trayUrls(config).graphql,
      masterToken: required(config.TRAY_MASTER_TOKEN, 'TRAY_MASTER_TOKEN'),
      budget: createRateBudget(redis, `${config.REDIS_PREFIX}:tray:budget`, config.TRAY_RATE_LIMIT_RPS, onBudgetWait),
      timeoutMs: config.TRAY_TIMEOUT_MS,
      pageSize: config.TRAY_PAGE_SIZE,
      ...(onCall ? { onCall } : {}),
    }),
  );
  let mailerMade = false;
  const mailer = once(() => {
    mailerMade = true;
    return createMailer(required(config.SMTP_URL, 'SMTP_URL'), required(config.MAIL_FROM, 'MAIL_FROM'));
  });
  return {
    tray,
    tokens: once(() => createUserTokens({ redis, tray: tray(), keyPrefix: config.REDIS_PREFIX, secret: config.TOKEN_CACHE_KEY ?? linkSecret() })),
    mailer,
    contacts: once(() => createContactLookup(contactSource(config))),
    links: once(() =>
      createReauthLinks({
        signer: createLinkSigner(linkSecret(), config.LINK_TTL_DAYS),
        publicUrl: config.PUBLIC_URL,
        dialogBaseUrl: trayUrls(config).dialog,
        embeddedId: required(config.TRAY_EMBEDDED_ID, 'TRAY_EMBEDDED_ID'),
        mode: config.TRAY_LINK_MODE,
      }),
    ),
    sent: once(() => createSentMarkers(redis, config.REDIS_PREFIX)),
    enqueue: enqueuer(trayJobs, queues),
    settings: { notifyUnusedAuths: config.NOTIFY_UNUSED_AUTHS, linkTtlDays: config.LINK_TTL_DAYS },
    hooks: { ...(onStep ? { onStep } : {}), ...(onEmail ? { onEmail } : {}) },
    close() {
      if (mailerMade) mailer().close();
    },
  };
}
