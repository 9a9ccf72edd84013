import { nextDue, sendJobId } from '@reauth/notification';
import type { Handler } from '@reauth/queues';
import type { trayNotifyJobSchema } from '../payload.js';
import { trayRecord } from '../record.js';
import type { TrayServices } from '../services.js';

/**
 * Before the notification core, Tray's own `tray.notify` job sent the email. A job of that kind
 * still waiting at the upgrade is carried over: its data becomes the record, and the core sends
 * notice 0, unless the old layout's sent marker says it went out already.
 */
export const notifyHandler =
  (services: TrayServices): Handler<typeof trayNotifyJobSchema> =>
  async (data, ctx) => {
    const { notificationId: id } = data;
    await services.store.open({ ...trayRecord(data, services.settings.linkTtlDays, data.instances), queue: ctx.job.queueName, jobId: String(ctx.job.id) });
    if (await services.legacySent(id)) {
      const record = await services.store.get(id);
      if (record) await services.store.move(id, { to: 'notified', sentIndex: 0, due: nextDue(services.notices, { ...record, notifiedAt: Date.now() }, 0), event: { kind: 'email-sent', detail: 'sent before the upgrade' } });
      return { outcome: 'already-sent' };
    }
    await services.enqueue('notification.send', { notificationId: id, send: 0 }, { jobId: sendJobId(id, 0) });
    return { outcome: 'carried-over' };
  };
