import type { NotificationJobs, Notifications, ProviderRuntime } from '@reauth/notification';
import type { Enqueue } from '@reauth/queues';
import type { TrayClient } from './client.js';
import type { TrayJobs } from './jobs.js';
import type { UserTokens } from './token-cache.js';

/**
 * What the Tray stages use. Getters build a client only when a role touches it: a process that
 * never calls Tray never needs its master token's client.
 */
export interface TrayServices {
  tray(): TrayClient;
  tokens(): UserTokens;
  /** The notification core's record store: Tray stages open and move notifications through it. */
  store: Notifications;
  /** Hands a notification to its next Tray stage, or to the core's send. */
  enqueue: Enqueue<TrayJobs & NotificationJobs>;
  settings: { notifyUnusedAuths: boolean; linkTtlDays: number };
  notices: ProviderRuntime['notices'];
  /** The core's send markers before the upgrade were Tray's: `<prefix>:tray:sent:<id>`. */
  legacySent(notificationId: string): Promise<boolean>;
}
