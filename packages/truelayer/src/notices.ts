import type { NotificationRecord, ProviderRuntime } from '@reauth/notification';
import { trueLayerContext } from './record.js';

/**
 * Notice k is due at consent_expires_at + TRUELAYER_NOTICES[k]: the offsets are signed, the
 * positive ones falling in the grace period in which reauthuri still works.
 */
export function trueLayerNotices(offsets: readonly number[]): ProviderRuntime['notices'] {
  return {
    count: () => offsets.length,
    at: (record: NotificationRecord, send: number) => trueLayerContext(record).consentExpiresAt + (offsets[send] ?? 0),
  };
}

/**
 * For a consent posted now: the notice to send first, and when. A late post skips every notice
 * already past except the latest of them, which goes out at once.
 */
export function firstNotice(offsets: readonly number[], consentExpiresAt: number, now: number): { send: number; due: number } {
  let send = 0;
  for (let k = 0; k < offsets.length; k += 1) if (consentExpiresAt + (offsets[k] as number) <= now) send = k;
  return { send, due: Math.max(now, consentExpiresAt + (offsets[send] ?? 0)) };
}
