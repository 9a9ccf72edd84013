import { createHash, hash, timingSafeEqual } from 'node:crypto';
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

/**
 * A short, fixed-length, key-safe stand-in for a provider's id (an authId, a credentials_id) in
 * notification ids and subject keys. One-shot `crypto.hash`, as it runs on every webhook.
 */
export const idHash = (id: string): string => hash('sha256', id).slice(0, 24);
