import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export interface LinkClaims {
  /** Tray auth to re-authenticate. */
  authId: string;
  /** Tray user who owns it (the code is minted for this user). */
  userId: string;
  notificationId: string;
  /** Set for `instance-slot` links: the instance and its auth slot. */
  solutionInstanceId?: string;
  externalAuthId?: string;
}

export type LinkFailure = 'malformed' | 'bad-signature' | 'expired';

export class LinkError extends Error {
  constructor(readonly failure: LinkFailure) {
    super(`re-auth link rejected: ${failure}`);
    this.name = 'LinkError';
  }
}

export interface LinkSigner {
  sign(claims: LinkClaims, now?: number): string;
  verify(token: string, now?: number): LinkClaims & { expiresAt: number };
}

interface WireClaims {
  v: 1;
  a: string;
  u: string;
  n: string;
  s?: string;
  x?: string;
  e: number;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export function createLinkSigner(secret: string, ttlDays: number): LinkSigner {
  // A derived key keeps LINK_SECRET usable for other purposes without cross-protocol reuse.
  const key = Buffer.from(hkdfSync('sha256', secret, 'reauth', 'reauth-link-v1', 32));
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();

  return {
    sign(claims, now = Date.now()) {
      const wire: WireClaims = {
        v: 1,
        a: claims.authId,
        u: claims.userId,
        n: claims.notificationId,
        ...(claims.solutionInstanceId ? { s: claims.solutionInstanceId } : {}),
        ...(claims.externalAuthId ? { x: claims.externalAuthId } : {}),
        e: Math.floor(now / 1000) + ttlDays * 86_400,
      };
      const body = b64(JSON.stringify(wire));
      return `${body}.${b64(mac(body))}`;
    },

    verify(token, now = Date.now()) {
      const parts = token.split('.');
      if (parts.length !== 2 || !parts[0] || !parts[1] || token.length > 2_048) throw new LinkError('malformed');
      const [body, signature] = parts as [string, string];
      const expected = mac(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new LinkError('bad-signature');
      const wire = parseWire(body);
      if (wire.e * 1000 <= now) throw new LinkError('expired');
      return {
        authId: wire.a,
        userId: wire.u,
        notificationId: wire.n,
        ...(wire.s ? { solutionInstanceId: wire.s } : {}),
        ...(wire.x ? { externalAuthId: wire.x } : {}),
        expiresAt: wire.e * 1000,
      };
    },
  };
}

function parseWire(body: string): WireClaims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new LinkError('malformed');
  }
  const w = value as Partial<WireClaims> | null;
  const str = (x: unknown) => typeof x === 'string' && x.length > 0;
  if (!w || w.v !== 1 || !str(w.a) || !str(w.u) || !str(w.n) || typeof w.e !== 'number') throw new LinkError('malformed');
  return w as WireClaims;
}
