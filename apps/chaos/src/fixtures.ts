import { randomBytes } from 'node:crypto';
import type { World } from './world.js';

export interface UserFixture {
  id: string;
  externalUserId: string;
  /** Where the contacts directory says to write; undefined for a user without a contact. */
  email: string | undefined;
  inTray: boolean;
}

export interface AuthFixture {
  authId: string;
  user: UserFixture;
  /** Tray's expired-auth notification for this auth. */
  webhook: { authentication_name: string; service_name: string; user_id: string; authId: string; external_user_id: string };
}

const run = randomBytes(3).toString('hex');
let seq = 0;
const next = (kind: string) => `${kind}-${run}-${(seq += 1)}`;

/**
 * A Tray end user. `inTray: false` makes one Tray does not know (authorize fails for good);
 * `contact: false` leaves them out of the contacts directory (notify fails for good).
 */
export function addUser(world: World, options: { inTray?: boolean; contact?: boolean } = {}): UserFixture {
  const id = next('user');
  const externalUserId = next('ext');
  const email = options.contact === false ? undefined : `${externalUserId}@customer.test`;
  const inTray = options.inTray !== false;
  if (inTray) world.tray.addUser({ id, externalUserId, name: `Name of ${id}` });
  if (email) world.contacts.set(externalUserId, { email, name: `Name of ${id}` });
  return { id, externalUserId, email, inTray };
}

/** An auth of `user`, used by one Solution Instance unless `used: false` (then skipped by design). */
export function addAuth(world: World, user: UserFixture, options: { used?: boolean } = {}): AuthFixture {
  const authId = next('auth');
  if (options.used !== false && user.inTray) {
    world.tray.addInstance({ id: next('si'), name: `Sync for ${authId}`, owner: user.id, authValues: [{ externalId: 'external_crm_auth', authId }] });
  }
  return {
    authId,
    user,
    webhook: { authentication_name: `CRM of ${user.id}`, service_name: 'salesforce', user_id: user.id, authId, external_user_id: user.externalUserId },
  };
}
