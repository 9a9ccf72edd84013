import type { RedisClient } from '@reauth/redis';

/**
 * Written right after SMTP accepts a notification; a retried or re-delivered notify job that finds
 * it sends nothing. The window left open is SMTP-accepted-but-marker-not-written (a crash between
 * two adjacent awaits); the Message-ID is deterministic so such a duplicate is recognisable.
 */
export interface SentMarkers {
  has(notificationId: string): Promise<boolean>;
  mark(notificationId: string, detail: string): Promise<void>;
}

export function createSentMarkers(redis: RedisClient, keyPrefix: string, ttlSeconds = 30 * 86_400): SentMarkers {
  const key = (id: string) => `${keyPrefix}:tray:sent:${id}`;
  return {
    has: async (id) => (await redis.exists(key(id))) === 1,
    mark: async (id, detail) => {
      await redis.set(key(id), detail, 'EX', ttlSeconds);
    },
  };
}
