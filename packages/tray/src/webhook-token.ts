import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Tray's settings page takes only a URL, so the secret may come as `?token=`; a Bearer header is
 * accepted too. Comparing digests keeps the comparison constant-time whatever the lengths.
 */
export function webhookTokenCheck(expected: string): (req: { header(name: string): string | undefined; query: Record<string, unknown> }) => boolean {
  // Hashed once: the check runs on every webhook.
  const want = digest(expected);
  return (req) => {
    const header = req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    const given = bearer ?? query;
    return given !== undefined && timingSafeEqual(digest(given), want);
  };
}
