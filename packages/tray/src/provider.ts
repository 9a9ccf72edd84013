import { bindModule, enqueuer } from '@reauth/queues';
import { notificationJobs, type CoreDeps, type Provider } from '@reauth/notification';
import { createRateBudget } from '@reauth/rate-budget';
import { createTrayClient, type TrayClient } from './client.js';
import { trayEmail } from './email.js';
import { trayIntake } from './intake.js';
import { trayJobs, trayModule } from './jobs.js';
import { trayLinkAction } from './link-action.js';
import { trayNotices } from './notices.js';
import type { TrayServices } from './services.js';
import { traySettingsSchema, traySwitch, trayUrls, type TraySettings } from './settings.js';
import { createUserTokens } from './token-cache.js';

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** The Tray client of a process: built on first use, drawing from the org-wide budget. */
export function trayClientFor(settings: TraySettings, core: CoreDeps): () => TrayClient {
  return once(() =>
    createTrayClient({
      graphqlUrl: trayUrls(settings).graphql,
      masterToken: settings.TRAY_MASTER_TOKEN,
      budget: createRateBudget(core.redis, `${settings.REDIS_PREFIX}:tray:budget`, settings.TRAY_RATE_LIMIT_RPS, () => core.hooks.onBudgetWait?.('tray')),
      timeoutMs: settings.TRAY_TIMEOUT_MS,
      pageSize: settings.TRAY_PAGE_SIZE,
      onCall: (operation, outcome, error) => core.hooks.onCall?.('tray', operation, outcome, error),
    }),
  );
}

export const trayProvider: Provider = {
  id: 'tray',
  switch: traySwitch,
  module: trayModule,
  start(env, core) {
    const settings = traySettingsSchema.parse(env);
    const tray = trayClientFor(settings, core);
    const notices = trayNotices(settings.TRAY_REMINDERS);
    const services: TrayServices = {
      tray,
      tokens: once(() => createUserTokens({ redis: core.redis, tray: tray(), keyPrefix: settings.REDIS_PREFIX, secret: settings.TOKEN_CACHE_KEY ?? settings.LINK_SECRET })),
      store: core.store,
      enqueue: enqueuer({ ...trayJobs, ...notificationJobs }, core.queues),
      settings: { notifyUnusedAuths: settings.NOTIFY_UNUSED_AUTHS, linkTtlDays: settings.LINK_TTL_DAYS },
      notices,
      legacySent: async (id) => (await core.redis.exists(`${settings.REDIS_PREFIX}:tray:sent:${id}`)) === 1,
    };
    const link = trayLinkAction({ dialogBaseUrl: trayUrls(settings).dialog, embeddedId: settings.TRAY_EMBEDDED_ID, mode: settings.TRAY_LINK_MODE, tray, store: core.store });
    return {
      runtime: { id: 'tray', notices, email: trayEmail, ...link },
      jobs: bindModule(trayModule, services),
      intakes: [trayIntake(core.queues, core.store, { webhookToken: settings.WEBHOOK_TOKEN, dedupeWindowMs: settings.DEDUPE_WINDOW_HOURS * 3_600_000 })],
      close: () => undefined,
    };
  },
};
