import type { VerifiedLink } from '@reauth/links';
import type { Landing, LinkOutcome, NotificationRecord, Notifications } from '@reauth/notification';
import { PermanentError } from '@reauth/queues';
import type { TrayClient } from './client.js';
import { trayContext, trayIds } from './record.js';

export type LinkMode = 'edit-auth' | 'instance-slot';

export interface DialogOptions {
  dialogBaseUrl: string;
  embeddedId: string;
}

const seg = encodeURIComponent;

/**
 * Edit by authId is what Tray's sample app does (CONFIRMED there); the slot form is the
 * documented auth-only *create* dialog bound to an instance (reference §4).
 */
export function dialogUrl(options: DialogOptions, target: { authId: string; solutionInstanceId?: string; externalAuthId?: string }, code: string): string {
  const base = options.dialogBaseUrl.replace(/\/+$/, '');
  const path =
    target.solutionInstanceId && target.externalAuthId
      ? `/external/auth/create/${seg(options.embeddedId)}/${seg(target.solutionInstanceId)}/${seg(target.externalAuthId)}`
      : `/external/auth/edit/${seg(options.embeddedId)}/${seg(target.authId)}`;
  return `${base}${path}?code=${seg(code)}`;
}

export interface TrayLinkOptions extends DialogOptions {
  mode: LinkMode;
  tray: () => Pick<TrayClient, 'generateAuthorizationCode'>;
  store: Notifications;
}

/**
 * The landing page's button: Tray's codes live 5 minutes and work once, so one is minted only
 * now, on the POST, never on the page's GET that mail scanners also make.
 */
export function trayLinkAction(options: TrayLinkOptions) {
  const popupOrigin = new URL(options.dialogBaseUrl).origin;
  // Before the notification core, instance-slot emails carried one version-1 link per slot, all of
  // one notification: each must still open its own slot, whichever of them adopted the record.
  const legacySlot = ({ legacy }: VerifiedLink) =>
    legacy?.solutionInstanceId && legacy.externalAuthId ? { id: legacy.solutionInstanceId, name: 'this integration', externalId: legacy.externalAuthId } : undefined;
  return {
    landing(record: NotificationRecord, link: VerifiedLink): Landing {
      const context = trayContext(record);
      const service = context.serviceName || 'your account';
      const own = legacySlot(link);
      const slots = options.mode === 'instance-slot' && !own ? context.instances : [];
      const named = own && context.instances.find((i) => i.id === own.id && i.externalId === own.externalId);
      return {
        service,
        account: context.authenticationName,
        items: [...new Set(context.instances.map((i) => i.name))],
        buttons: slots.length > 0 ? slots.map((i, n) => ({ label: `Reconnect ${i.name}`, choice: String(n) })) : [{ label: `Reconnect ${named ? named.name : service}` }],
      };
    },

    async act(record: NotificationRecord, choice: string | undefined, link: VerifiedLink): Promise<LinkOutcome> {
      const ids = trayIds(record);
      if (!ids) return { kind: 'refused', reason: 'incomplete-record', message: 'This link does not name a Tray account.' };
      const slot = legacySlot(link) ?? (options.mode === 'instance-slot' && choice !== undefined ? trayContext(record).instances[Number(choice)] : undefined);
      try {
        const code = await options.tray().generateAuthorizationCode(ids.userId);
        const target = slot ? { authId: ids.authId, solutionInstanceId: slot.id, externalAuthId: slot.externalId } : { authId: ids.authId };
        return { kind: 'redirect', url: dialogUrl(options, target, code), popupOrigin };
      } catch (err) {
        if (err instanceof PermanentError) return { kind: 'refused', reason: 'reauth-refused', message: 'This account can no longer be reconnected here. Please sign in to the app to reconnect it, or contact support.' };
        return { kind: 'retry', message: 'We could not reach the integration service just now. Your link is still valid.' };
      }
    },

    /** A link signed before the notification core: its claims become the record the action reads. */
    async adoptLegacyLink(link: VerifiedLink): Promise<string | undefined> {
      if (!link.legacy) return undefined;
      const { authId, userId } = link.legacy;
      await options.store.open({
        id: link.notificationId,
        provider: 'tray',
        ids: { authId, userId },
        contactKey: '',
        // Looked at when its links expire, so it lapses like any other.
        due: link.expiresAt,
        expiresAt: link.expiresAt,
        detail: 'link signed before the upgrade',
      });
      return link.notificationId;
    },
  };
}
