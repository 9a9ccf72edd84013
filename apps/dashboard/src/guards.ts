import type { RequestHandler } from 'express';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameHost(url: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(url).host === host;
  } catch {
    return false;
  }
}

/**
 * Browsers send Basic credentials with any request to this origin, a cross-site form POST
 * included, so every state-changing request must come from the dashboard's own pages.
 * `Sec-Fetch-Site` decides when present; else `Origin`, else `Referer` must name this host.
 * A request with none of them did not come from a browser (curl, scripts), so no other
 * site can have forged it: it is let through (the rule Go's CrossOriginProtection uses).
 */
export const sameOrigin: RequestHandler = (req, res, next) => {
  if (SAFE.has(req.method)) return next();
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const referer = req.get('referer');
  const host = req.get('host');
  const allowed = site !== undefined
    ? site === 'same-origin' || site === 'none'
    : origin !== undefined
      ? sameHost(origin, host)
      : referer === undefined || sameHost(referer, host);
  if (allowed) return next();
  res.status(403).json({ error: 'cross-site request refused' });
};

/** ADMIN_READ_ONLY: nothing but reads, whichever route (Bull Board's API or ours) is asked. */
export const readOnlyGuard: RequestHandler = (req, res, next) => {
  if (SAFE.has(req.method)) return next();
  res.status(403).json({ error: 'the dashboard is read-only (ADMIN_READ_ONLY=true)' });
};

/** Framing would let another site trick a logged-in admin into clicking replay. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
  next();
};
