import type { RedisClient } from '@reauth/redis';

/**
 * Written right after SMTP accepts a notification; a retried or re-delivered notify job that finds
 * it sends nothing. The window left open is SMTP-accepted-but-marker-not-written: a crash between
 * two adjacent awaits, or Redis unreachable for longer than `mark` keeps trying. The Message-ID is
 * deterministic, so a duplicate from that window is recognisable.
 */
export interface SentMarkers {
  has(notificationId: string): Promise<boolean>;
  /**
   * Claims the right to send for `claimMs`; resolves to 0 when claimed, else to the ms the current
   * claim has left. A job taken over while its first worker is still alive (a lock lost under load
   * or during a Redis outage) then waits for that worker's marker instead of sending again.
   */
  claim(notificationId: string): Promise<number>;
  /** Gives the claim back after a send that failed, so the retry need not wait it out. */
  release(notificationId: string): Promise<void>;
  mark(notificationId: string, detail: string): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The email has already left when `mark` runs, so a failed write would turn a Redis blip into a
 * second email on the job's retry: the write is retried for up to `markForMs` (a Redis restart
 * takes seconds) before the job is allowed to fail.
 */
export function createSentMarkers(redis: RedisClient, keyPrefix: string, ttlSeconds = 30 * 86_400, markForMs = 300_000, claimMs = 30_000): SentMarkers {
  const key = (id: string) => `${keyPrefix}:tray:sent:${id}`;
  const claimKey = (id: string) => `${keyPrefix}:tray:sending:${id}`;
  return {
    has: async (id) => (await redis.exists(key(id))) === 1,
    claim: async (id) => {
      if (await redis.set(claimKey(id), String(process.pid), 'PX', claimMs, 'NX')) return 0;
      return Math.max(1, await redis.pttl(claimKey(id)));
    },
    release: async (id) => {
      await redis.del(claimKey(id));
    },
    mark: async (id, detail) => {
      const giveUpAt = Date.now() + markForMs;
      for (let wait = 100; ; wait = Math.min(wait * 2, 1_000)) {
        try {
          await redis.set(key(id), detail, 'EX', ttlSeconds);
          return;
        } catch (err) {
          if (Date.now() + wait > giveUpAt) throw err;
          await sleep(wait);
        }
      }
    },
  };
}
