import { defineJobs, type Handlers, type JobModule } from '@reauth/queues';
import { trayJobSchema, trayNotifyJobSchema } from './payload.js';
import { instanceMappingHandler } from './processors/instance-mapping.js';
import { notifyHandler } from './processors/notify.js';
import { tokenLookupHandler } from './processors/token-lookup.js';
import type { TrayServices } from './services.js';

/** Tray's jobs: name ⇒ queue ⇒ payload. Enqueues are checked against it at compile time. */
export const trayJobs = defineJobs({
  'tray.token-lookup': { queue: 'token-lookup', schema: trayJobSchema },
  'tray.instance-mapping': { queue: 'instance-mapping', schema: trayJobSchema },
  'tray.notify': { queue: 'notify', schema: trayNotifyJobSchema },
});
export type TrayJobs = typeof trayJobs;

export const trayModule: JobModule<TrayJobs, TrayServices> = {
  name: 'tray',
  // The two Tray stages share one org-wide rate budget, so more concurrency only queues on the
  // limiter. `tray.notify` (the upgrade path) runs on the core's notify queue.
  queues: { 'token-lookup': { concurrency: 20 }, 'instance-mapping': { concurrency: 20 } },
  jobs: trayJobs,
  handlers: (services): Handlers<TrayJobs> => ({
    'tray.token-lookup': tokenLookupHandler(services),
    'tray.instance-mapping': instanceMappingHandler(services),
    'tray.notify': notifyHandler(services),
  }),
};
