import type { Landing, LinkOutcome, NotificationRecord } from '@reauth/notification';
import type { ReauthClient } from './client.js';
import type { ConnectionVault } from './record.js';
import { trueLayerContext } from './record.js';
import { fallbackUrl } from './settings.js';

export interface TrueLayerLinkOptions {
  client: () => ReauthClient;
  vault: ConnectionVault;
  fallbackTemplate: string;
}

export const fallbackFor = (template: string, record: NotificationRecord) =>
  fallbackUrl(template, { externalUserId: record.ids.externalUserId ?? '', credentialsId: record.ids.credentialsId ?? '' });

/** The button asks TrueLayer for a direct link to the bank only now: the GET spends nothing. */
export function trueLayerLinkAction(options: TrueLayerLinkOptions) {
  return {
    landing(record: NotificationRecord): Landing {
      const { bank } = trueLayerContext(record);
      return { service: bank, account: '', items: [], buttons: [{ label: `Reconnect ${bank}` }] };
    },

    async act(record: NotificationRecord): Promise<LinkOutcome> {
      const refused = (reason: string): LinkOutcome => ({
        kind: 'refused',
        reason,
        message: 'Your bank can no longer renew this connection. Please set it up again: it takes a minute.',
        fallbackUrl: fallbackFor(options.fallbackTemplate, record),
      });
      const connection = options.vault.open(record.sealed);
      if (!connection) return refused('token-unavailable');
      const result = await options.client().reauthUri(connection);
      if (result.kind === 'link') return { kind: 'redirect', url: result.url };
      if (result.kind === 'refused') return refused('reauth-refused');
      return { kind: 'retry', message: 'Your bank could not be reached just now. Your link still works: please try again in a minute.' };
    },
  };
}
