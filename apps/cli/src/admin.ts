import { randomBytes } from 'node:crypto';
import type { Config } from '@reauth/config';
import type { Credentials } from '@reauth/dashboard';

/**
 * Who may log in to the dashboard, and where it listens. Without ADMIN_PASSWORD (only possible
 * outside production: config refuses it there) the dashboard still never runs open: it gets a
 * one-time password, printed once to stderr (not to the JSON log, which may be shipped
 * elsewhere), and listens on loopback only.
 */
export function adminAccess(config: Config): { credentials: Credentials; host?: string } {
  if (config.ADMIN_PASSWORD) return { credentials: { user: config.ADMIN_USER, password: config.ADMIN_PASSWORD } };
  const password = randomBytes(18).toString('base64url');
  process.stderr.write(
    `reauth: ADMIN_PASSWORD is not set; the dashboard listens on 127.0.0.1:${config.ADMIN_PORT} only, ` +
      `user "${config.ADMIN_USER}", one-time password for this run: ${password}\n`,
  );
  return { credentials: { user: config.ADMIN_USER, password }, host: '127.0.0.1' };
}
