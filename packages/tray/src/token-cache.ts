import { createHash } from 'node:crypto';
import type { RedisClient } from '@reauth/redis';
import { createVault } from '@reauth/vault';
import type { TrayClient } from './client.js';

export interface UserTokens {
  /** A user access token for `userId`, from the cache or freshly minted. */
  get(userId: string): Promise<{ token: string; cached: boolean }>;
  /** Drop the cached token (Tray refused it) and mint a new one. */
  refresh(userId: string): Promise<string>;
}

export interface UserTokenOptions {
  redis: RedisClient;
  tray: Pick<TrayClient, 'authorize'>;
  keyPrefix: string;
  /** TOKEN_CACHE_KEY, or LINK_SECRET when no dedicated key is set. */
  secret: string;
  /** User tokens live 2 days at Tray; one day in the cache leaves a full day of margin. */
  ttlSeconds?: number;
}

const LOCK_MS = 5_000;

/**
 * Caches user tokens in Redis, encrypted with AES-256-GCM, so a Redis dump or the dashboard never
 * shows one in clear. A short mint lock keeps a burst of one user's auths to one `authorize` call.
 */
export function createUserTokens(options: UserTokenOptions): UserTokens {
  const vault = createVault(options.secret, 'reauth-token-cache-v1');
  const ttl = options.ttlSeconds ?? 86_400;
  const userKey = (userId: string) => `${options.keyPrefix}:tray:user-token:${createHash('sha256').update(userId).digest('hex')}`;

  const read = async (userId: string) => {
    const sealed = await options.redis.get(userKey(userId));
    // Sealed under another key (a rotated secret): undefined, so a new one is minted.
    return sealed ? vault.open(sealed) : undefined;
  };
  const mint = async (userId: string) => {
    const token = await options.tray.authorize(userId);
    await options.redis.set(userKey(userId), vault.seal(token), 'EX', ttl);
    return token;
  };

  return {
    async get(userId) {
      const cached = await read(userId);
      if (cached) return { token: cached, cached: true };
      const lockKey = `${userKey(userId)}:lock`;
      if (await options.redis.set(lockKey, '1', 'PX', LOCK_MS, 'NX')) {
        try {
          return { token: await mint(userId), cached: false };
        } finally {
          await options.redis.del(lockKey);
        }
      }
      // Another job is minting this user's token right now: wait for it rather than mint twice.
      for (let waited = 0; waited < LOCK_MS; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        const token = await read(userId);
        if (token) return { token, cached: true };
      }
      return { token: await mint(userId), cached: false };
    },
    async refresh(userId) {
      await options.redis.del(userKey(userId));
      return mint(userId);
    },
  };
}
