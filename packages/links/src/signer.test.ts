import { describe, expect, it } from '@jest/globals';
import { createHmac, hkdfSync } from 'node:crypto';
import { createLinkSigner, LinkError } from './signer.js';

const secret = 'x'.repeat(40);
const claims = { provider: 'tray', notificationId: 'n-1' };
const DAY = 86_400_000;

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof LinkError) return err.failure;
    throw err;
  }
  return undefined;
}

/** A link as the version before the notification core signed it (still in inboxes after an upgrade). */
function v1Token(wire: object): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'reauth', 'reauth-link-v1', 32));
  const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest().toString('base64url')}`;
}

describe('link signer', () => {
  const signer = createLinkSigner(secret);

  it('round-trips the claims and returns the expiry it signed (second precision)', () => {
    const now = Date.UTC(2026, 0, 1);
    const signed = signer.sign(claims, now + 14 * DAY + 123);
    expect(signed.expiresAt).toBe(now + 14 * DAY);
    expect(signer.verify(signed.token, now)).toEqual({ ...claims, expiresAt: now + 14 * DAY });
    const wire = JSON.parse(Buffer.from(signed.token.split('.')[0] as string, 'base64url').toString());
    expect(Object.keys(wire).sort()).toEqual(['e', 'n', 'p', 'v']);
  });

  it('rejects a link after its expiry', () => {
    const now = Date.now();
    const { token } = signer.sign(claims, now + DAY);
    expect(failure(() => signer.verify(token, now + DAY + 1000))).toBe('expired');
  });

  it('still verifies version-1 links signed before the upgrade, as Tray legacy claims', () => {
    const e = Math.floor(Date.now() / 1000) + 3600;
    expect(signer.verify(v1Token({ v: 1, a: 'auth-1', u: 'user-1', n: 'n-old', s: 'si', x: 'slot', e }))).toEqual({
      provider: 'tray',
      notificationId: 'n-old',
      expiresAt: e * 1000,
      legacy: { authId: 'auth-1', userId: 'user-1', solutionInstanceId: 'si', externalAuthId: 'slot' },
    });
    expect(failure(() => signer.verify(v1Token({ v: 1, a: 'a', u: 'u', n: 'n', e: 1 })))).toBe('expired');
  });

  it('rejects a tampered payload, a tampered signature and another secret', () => {
    const { token } = signer.sign(claims, Date.now() + DAY);
    const [body, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), n: 'n-2' })).toString('base64url');
    expect(failure(() => signer.verify(`${forged}.${sig}`))).toBe('bad-signature');
    expect(failure(() => signer.verify(`${body}.${sig.slice(0, -2)}AA`))).toBe('bad-signature');
    expect(failure(() => createLinkSigner('y'.repeat(40)).verify(token))).toBe('bad-signature');
  });

  it('rejects malformed tokens', () => {
    for (const bad of ['', 'abc', 'a.b.c', '.sig', 'x'.repeat(3000), v1Token({ v: 3, n: 'n', e: 9e9 })]) {
      expect(failure(() => signer.verify(bad))).toBe('malformed');
    }
  });

  it('binds a form key to one token', () => {
    const a = signer.sign(claims, Date.now() + DAY).token;
    const b = signer.sign({ ...claims, notificationId: 'n-2' }, Date.now() + DAY).token;
    expect(signer.formKey(a)).toBe(signer.formKey(a));
    expect(signer.formKey(a)).not.toBe(signer.formKey(b));
  });
});
