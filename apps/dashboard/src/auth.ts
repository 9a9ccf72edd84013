import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '@reauth/logger';
import type { RedisClient } from '@reauth/redis';

export interface Credentials {
  user: string;
  password: string;
}

export interface LoginLimit {
  /** Wrong credentials allowed per client IP within the window; after that every request gets 429. */
  failures: number;
  windowMs: number;
}

/** Where failed logins are counted: one Redis for every dashboard replica, under the deployment's prefix. */
export interface LoginLimitStore {
  redis: RedisClient;
  prefix: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
// Digests have one length, so timingSafeEqual never leaks the secret's length by throwing.
const same = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

function parseBasic(header: string | undefined): Credentials | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function tooMany(res: Response, msBeforeNext: number): void {
  res.set('Retry-After', String(Math.max(1, Math.ceil(msBeforeNext / 1000)))).status(429).json({ error: 'too many failed logins; try again later' });
}

function challenge(res: Response): void {
  res.set('WWW-Authenticate', 'Basic realm="reauth admin", charset="UTF-8"').status(401).json({ error: 'authentication required' });
}

/**
 * HTTP Basic auth for everything behind it. Only wrong credentials count against the client's
 * budget (a first visit without any is just the browser asking), and once the budget is spent
 * even the right password is refused until the window passes: otherwise a 429 on wrong guesses
 * and a 200 on the right one would still let a guesser go on. The count lives in Redis, so a
 * guesser gains nothing by spreading attempts over replicas; IPv6 clients count per /56, as
 * express-rate-limit's key generator groups them.
 */
export function basicAuth(credentials: Credentials, limit: LoginLimit, store: LoginLimitStore, log: Logger): RequestHandler {
  const window = { points: limit.failures, duration: Math.ceil(limit.windowMs / 1000) };
  const failures = new RateLimiterRedis({
    ...window,
    storeClient: store.redis,
    // One key per IP, hash-tagged like every other reauth key so a Cluster keeps them in one slot.
    keyPrefix: `${store.prefix}:{dashboard}:login-failures`,
    // While Redis is away each process counts on its own, rather than letting guesses through uncounted.
    insuranceLimiter: new RateLimiterMemory(window),
  });

  return async (req, res, next) => {
    const ip = ipKeyGenerator(req.ip ?? 'unknown');
    const spent = await failures.get(ip);
    if (spent && spent.consumedPoints >= limit.failures) return tooMany(res, spent.msBeforeNext);
    const given = parseBasic(req.get('authorization'));
    if (!given) return challenge(res);
    // Both compared every time, so a right user name is not faster to reject than a wrong one.
    const userOk = same(given.user, credentials.user);
    const passwordOk = same(given.password, credentials.password);
    if (userOk && passwordOk) return next();
    log.warn({ ip: req.ip }, 'dashboard login failed');
    try {
      await failures.consume(ip);
    } catch (err) {
      // Rejected: another request spent the last failure first.
      if (err instanceof RateLimiterRes) return tooMany(res, err.msBeforeNext);
      throw err;
    }
    challenge(res);
  };
}
