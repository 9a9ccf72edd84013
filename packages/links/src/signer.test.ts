import { describe, expect, it } from '@jest/globals';
import { createLinkSigner, LinkError } from './signer.js';

const secret = 'x'.repeat(40);
const claims = { authId: 'auth-1', userId: 'user-1', notificationId: 'n-1' };

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof LinkError) return err.failure;
    throw err;
  }
  return undefined;
}

describe('link signer', () => {
  const signer = createLinkSigner(secret, 14);

  it('round-trips claims and sets the expiry from the TTL', () => {
    const now = Date.UTC(2026, 0, 1);
    const verified = signer.verify(signer.sign({ ...claims, solutionInstanceId: 'si', externalAuthId: 'slot' }, now), now);
    expect(verified).toEqual({ ...claims, solutionInstanceId: 'si', externalAuthId: 'slot', expiresAt: now + 14 * 86_400_000 });
  });

  it('rejects a link after its TTL', () => {
    const now = Date.now();
    const token = signer.sign(claims, now);
    expect(failure(() => signer.verify(token, now + 14 * 86_400_000 + 1000))).toBe('expired');
  });

  it('rejects a tampered payload, a tampered signature and another secret', () => {
    const token = signer.sign(claims);
    const [body, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), a: 'auth-2' })).toString('base64url');
    expect(failure(() => signer.verify(`${forged}.${sig}`))).toBe('bad-signature');
    expect(failure(() => signer.verify(`${body}.${sig.slice(0, -2)}AA`))).toBe('bad-signature');
    expect(failure(() => createLinkSigner('y'.repeat(40), 14).verify(token))).toBe('bad-signature');
  });

  it('rejects malformed tokens', () => {
    for (const bad of ['', 'abc', 'a.b.c', '.sig', 'x'.repeat(3000)]) {
      expect(failure(() => signer.verify(bad))).toBe('malformed');
    }
  });
});
