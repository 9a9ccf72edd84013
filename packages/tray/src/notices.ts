import type { NotificationRecord, ProviderRuntime } from '@reauth/notification';

/**
 * Tray notifies 7-10 days before an auth expires: the first email goes out at once, and each
 * TRAY_REMINDERS offset counts from the moment it did.
 */
export function trayNotices(reminders: readonly number[]): ProviderRuntime['notices'] {
  return {
    count: () => 1 + reminders.length,
    at: (record: NotificationRecord, send: number) => (send === 0 ? record.createdAt : (record.notifiedAt ?? record.createdAt) + (reminders[send - 1] ?? 0)),
  };
}
