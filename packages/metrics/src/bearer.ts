import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Lets through only `Authorization: Bearer <token>`, for metrics served on a public port. Digests
 * have one length, so the comparison is constant-time and never leaks the token's length.
 */
export function requireBearer(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const header = req.get('authorization');
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="reauth metrics"').status(401).json({ error: 'metrics need METRICS_TOKEN as a Bearer token' });
  };
}
