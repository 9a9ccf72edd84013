import { DeferredError, PermanentError, type Handler } from '@reauth/queues';
import { renderReauthEmail } from '../email.js';
import type { trayNotifyJobSchema } from '../payload.js';
import type { TrayServices } from '../services.js';
import { recordStep } from './steps.js';

export const notifyHandler =
  (services: TrayServices): Handler<typeof trayNotifyJobSchema> =>
  async (data, ctx) => {
    const sent = services.sent();
    if (await sent.has(data.notificationId)) return { outcome: 'already-sent' };

    const contact = await services.contacts()(data.auth.external_user_id);
    if (!contact) throw new PermanentError('no contact found for the external user id', 'no-contact');
    await recordStep(services, data, ctx, { kind: 'contact-found' });

    const links = services.links().forNotification(data, data.instances);
    const email = renderReauthEmail({
      auth: data.auth,
      instances: data.instances,
      links,
      linkExpiresAt: new Date(Date.now() + services.settings.linkTtlDays * 86_400_000),
      ...(contact.name ? { recipientName: contact.name } : {}),
    });
    const messageId = `<${data.notificationId}@reauth>`;
    const claimHeldMs = await sent.claim(data.notificationId);
    if (claimHeldMs > 0) throw new DeferredError(claimHeldMs, 'another worker is sending this notification');
    // The claim and the marker are checked back to back: a marker written since the first check wins.
    if (await sent.has(data.notificationId)) return { outcome: 'already-sent' };
    try {
      await services.mailer().send({ to: { address: contact.email, ...(contact.name ? { name: contact.name } : {}) }, messageId, ...email });
    } catch (err) {
      services.hooks?.onEmail?.('failed');
      await sent.release(data.notificationId).catch(() => undefined);
      throw err;
    }
    await sent.mark(data.notificationId, messageId);
    services.hooks?.onEmail?.('sent');
    await recordStep(services, data, ctx, { kind: 'email-sent', detail: `${links.length} link${links.length === 1 ? '' : 's'}` });
    ctx.log.info({ notificationId: data.notificationId, links: links.length }, 'reauth email sent');
    return { outcome: 'sent', links: links.length };
  };
