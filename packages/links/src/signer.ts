import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a link proves: which notification of which provider, until when. Nothing else. */
export interface LinkClaims {
  provider: string;
  notificationId: string;
}

/**
 * Links signed before the notification core (wire version 1) named a Tray auth and user directly.
 * They keep working until they expire; what they carry is handed to the Tray link action.
 */
export interface LegacyTrayClaims {
  authId: string;
  userId: string;
  solutionInstanceId?: string;
  externalAuthId?: string;
}

export interface VerifiedLink extends LinkClaims {
  expiresAt: number;
  legacy?: LegacyTrayClaims;
}

export type LinkFailure = 'malformed' | 'bad-signature' | 'expired';

export class LinkError extends Error {
  constructor(readonly failure: LinkFailure) {
    super(`re-auth link rejected: ${failure}`);
    this.name = 'LinkError';
  }
}

export interface SignedLink {
  token: string;
  /** The moment the link stops working (second precision): what an email prints. */
  expiresAt: number;
}

export interface LinkSigner {
  sign(claims: LinkClaims, expiresAt: number): SignedLink;
  verify(token: string, now?: number): VerifiedLink;
  /** A value bound to one token, for the landing page's form (a CSRF check beside Origin). */
  formKey(token: string): string;
}

interface WireV2 {
  v: 2;
  p: string;
  n: string;
  e: number;
}
interface WireV1 {
  v: 1;
  a: string;
  u: string;
  n: string;
  s?: string;
  x?: string;
  e: number;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export function createLinkSigner(secret: string): LinkSigner {
  // A derived key keeps LINK_SECRET usable for other purposes without cross-protocol reuse; the
  // info string is unchanged since version 1 so links already in inboxes still verify.
  const key = Buffer.from(hkdfSync('sha256', secret, 'reauth', 'reauth-link-v1', 32));
  const formKeyKey = Buffer.from(hkdfSync('sha256', secret, 'reauth', 'reauth-link-form-v1', 32));
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();

  return {
    sign(claims, expiresAt) {
      const e = Math.floor(expiresAt / 1000);
      const wire: WireV2 = { v: 2, p: claims.provider, n: claims.notificationId, e };
      const body = b64(JSON.stringify(wire));
      return { token: `${body}.${b64(mac(body))}`, expiresAt: e * 1000 };
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
      if (wire.v === 2) return { provider: wire.p, notificationId: wire.n, expiresAt: wire.e * 1000 };
      return {
        provider: 'tray',
        notificationId: wire.n,
        expiresAt: wire.e * 1000,
        legacy: { authId: wire.a, userId: wire.u, ...(wire.s ? { solutionInstanceId: wire.s } : {}), ...(wire.x ? { externalAuthId: wire.x } : {}) },
      };
    },

    formKey(token) {
      return b64(createHmac('sha256', formKeyKey).update(token).digest()).slice(0, 32);
    },
  };
}

function parseWire(body: string): WireV1 | WireV2 {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new LinkError('malformed');
  }
  const w = value as (Partial<WireV1> & Partial<Omit<WireV2, 'v'>>) | null;
  const str = (x: unknown) => typeof x === 'string' && x.length > 0;
  if (!w || typeof w.e !== 'number' || !str(w.n)) throw new LinkError('malformed');
  if ((w.v as number) === 2 && str(w.p)) return w as unknown as WireV2;
  if (w.v === 1 && str(w.a) && str(w.u)) return w as WireV1;
  throw new LinkError('malformed');
}
