import { createHash, timingSafeEqual } from 'node:crypto';
import type { IntakeRequest } from './provider.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A check of an intake's shared secret. The expected value is hashed once (the check runs on every
 * webhook); comparing digests keeps it constant-time whatever the lengths.
 */
export function secretCheck(expected: string): (given: string | undefined) => boolean {
  const want = digest(expected);
  return (given) => given !== undefined && timingSafeEqual(digest(given), want);
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerOf(req: IntakeRequest): string | undefined {
  const header = req.header('authorization');
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}
