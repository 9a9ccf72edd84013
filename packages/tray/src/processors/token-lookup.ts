import type { Handler } from '@reauth/queues';
import type { trayJobSchema } from '../payload.js';
import type { TrayServices } from '../services.js';
import { openNotification, recordStep } from './steps.js';

/** Opens the notification, makes sure a user token is cached, then hands over to mapping. */
export const tokenLookupHandler =
  (services: TrayServices): Handler<typeof trayJobSchema> =>
  async (data, ctx) => {
    await openNotification(services, data, ctx);
    const { cached } = await services.tokens().get(data.auth.user_id);
    await recordStep(services, data, ctx, { kind: 'step', detail: cached ? 'user token from the cache' : 'user token minted' });
    // Same job id as the notification: a retry after this add cannot enqueue the next stage twice.
    await services.enqueue('tray.instance-mapping', data, { jobId: data.notificationId });
    return { tokenCached: cached };
  };
