import { bindModule, defineJobs, type JobModule } from '@reauth/queues';
import type { Provider } from '@reauth/notification';
import { createReauthClient, type ReauthClient } from './client.js';
import { trueLayerEmail } from './email.js';
import { trueLayerIntakes } from './intake.js';
import { fallbackFor, trueLayerLinkAction } from './link-action.js';
import { trueLayerNotices } from './notices.js';
import { connectionVault, trueLayerContext } from './record.js';
import { trueLayerAuthUrl, trueLayerSettingsSchema, trueLayerSwitch } from './settings.js';

/** TrueLayer has no stages of its own: the intake opens the record and the core's scheduler sends every notice. */
export const trueLayerModule: JobModule<Record<never, never>, unknown> = { name: 'truelayer', queues: {}, jobs: defineJobs({}), handlers: () => ({}) };

export const trueLayerProvider: Provider = {
  id: 'truelayer',
  switch: trueLayerSwitch,
  module: trueLayerModule,
  start(env, core) {
    const settings = trueLayerSettingsSchema.parse(env);
    const sealKey = settings.TOKEN_CACHE_KEY ?? settings.LINK_SECRET;
    const vault = connectionVault(sealKey);
    const reauthable = new RegExp(settings.TRUELAYER_REAUTH_PROVIDERS);
    let client: ReauthClient | undefined;
    const link = trueLayerLinkAction({
      vault,
      fallbackTemplate: settings.TRUELAYER_FALLBACK_URL,
      client: () =>
        (client ??= createReauthClient({
          authUrl: trueLayerAuthUrl(settings),
          ...(settings.TRUELAYER_CLIENT_ID ? { clientId: settings.TRUELAYER_CLIENT_ID } : {}),
          ...(settings.TRUELAYER_CLIENT_SECRET ? { clientSecret: settings.TRUELAYER_CLIENT_SECRET } : {}),
          timeoutMs: settings.TRUELAYER_TIMEOUT_MS,
          onCall: (operation, outcome, error) => core.hooks.onCall?.('truelayer', operation, outcome, error),
        })),
    });
    return {
      runtime: {
        id: 'truelayer',
        notices: trueLayerNotices(settings.TRUELAYER_NOTICES),
        // reauthuri serves UK providers only: anyone else's email leads straight to the customer's connect page.
        email: (record, notice) => trueLayerEmail(record, notice, reauthable.test(trueLayerContext(record).providerId) ? notice.link : fallbackFor(settings.TRUELAYER_FALLBACK_URL, record)),
        ...link,
      },
      jobs: bindModule(trueLayerModule, undefined),
      intakes: trueLayerIntakes({
        redis: core.redis,
        store: core.store,
        vault,
        sealKey,
        secret: settings.TRUELAYER_INTAKE_SECRET,
        offsets: settings.TRUELAYER_NOTICES,
        graceMs: settings.TRUELAYER_GRACE,
      }),
      close: () => undefined,
    };
  },
};
