import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from '@reauth/logger';

export interface Credentials {
  user: string;
  password: string;
}

export interface LoginLimit {
  /** Wrong credentials allowed per client IP within the window; after that every request gets 429. */
  failures: number;
  windowMs: number;
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

function challenge(res: Response): void {
  res.set('WWW-Authenticate', 'Basic realm="reauth admin", charset="UTF-8"').status(401).json({ error: 'authentication required' });
}

/**
 * HTTP Basic auth for everything behind it. Only wrong credentials count against the client's
 * budget (a first visit without any is just the browser asking), and once the budget is spent
 * even the right password is refused until the window passes: otherwise a 429 on wrong guesses
 * and a 200 on the right one would still let a guesser go on.
 */
export function basicAuth(credentials: Credentials, limit: LoginLimit, log: Logger): RequestHandler {
  const failures = rateLimit({
    windowMs: limit.windowMs,
    limit: limit.failures,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: { error: 'too many failed logins; try again later' },
  });

  return async (req, res, next) => {
    const spent = await failures.getKey(ipKeyGenerator(req.ip ?? 'unknown'));
    if (spent && spent.totalHits >= limit.failures) {
      const seconds = Math.max(1, Math.ceil(((spent.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
      res.set('Retry-After', String(seconds)).status(429).json({ error: 'too many failed logins; try again later' });
      return;
    }
    const given = parseBasic(req.get('authorization'));
    if (!given) return challenge(res);
    // Both compared every time, so a right user name is not faster to reject than a wrong one.
    const userOk = same(given.user, credentials.user);
    const passwordOk = same(given.password, credentials.password);
    if (userOk && passwordOk) return next();
    log.warn({ ip: req.ip }, 'dashboard login failed');
    failures(req, res, () => challenge(res));
  };
}
