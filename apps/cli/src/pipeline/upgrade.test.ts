import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { linkSettings } from '@reauth/config';
import type { NotificationState } from '@reauth/notification';
import { eventually, finished, startStack, type Stack, type StackBeforeStart } from './stack.js';

/**
 * An upgrade from the layout before the notification core (commit 824f38a): its waiting stage jobs
 * are put into Redis before reauth starts, and links it signed are opened after.
 */

let stack: Stack;
let seq = 0;

type World = Pick<StackBeforeStart, 'tray' | 'contacts'>;

/** A Tray user with one instance using the auth, and a contact; the job data the old intake built for it. */
function seedUser(world: World) {
  seq += 1;
  const receivedAt = Date.now();
  const userId = `user-${seq}`;
  const externalUserId = `ext-${seq}`;
  const authId = `auth-${seq}`;
  const email = `old-${seq}@customer.test`;
  const instance = { id: `si-${seq}`, name: `Instance ${seq}`, externalId: 'slot_0' };
  world.tray.addUser({ id: userId, externalUserId, name: `User ${seq}` });
  world.tray.addInstance({ id: instance.id, name: instance.name, owner: userId, authValues: [{ externalId: instance.externalId, authId }] });
  world.contacts.set(externalUserId, { email });
  // The old intake's notification id: its auth and the moment its dedupe window opened.
  const notificationId = `tray-${createHash('sha256').update(authId).digest('hex').slice(0, 24)}-${receivedAt}`;
  const auth = { authentication_name: `Auth ${seq}`, service_name: 'salesforce', user_id: userId, authId, external_user_id: externalUserId };
  return { userId, authId, email, instance, notificationId, job: { notificationId, receivedAt, auth } };
}
type Seeded = ReturnType<typeof seedUser>;

let old: Record<'tokenLookup' | 'instanceMapping' | 'notify' | 'sentBefore', Seeded>;

/** The old layout's waiting jobs, each stage as the previous one enqueued it, and one sent marker. */
async function seedOldLayout(world: StackBeforeStart) {
  old = { tokenLookup: seedUser(world), instanceMapping: seedUser(world), notify: seedUser(world), sentBefore: seedUser(world) };
  const { queues, client, config } = world;
  const { tokenLookup, instanceMapping, notify, sentBefore } = old;
  await queues.get('token-lookup').add('tray.token-lookup', tokenLookup.job, { jobId: tokenLookup.notificationId });
  await queues.get('instance-mapping').add('tray.instance-mapping', instanceMapping.job, { jobId: instanceMapping.notificationId });
  for (const s of [notify, sentBefore]) await queues.get('notify').add('tray.notify', { ...s.job, instances: [s.instance] }, { jobId: s.notificationId });
  // The old notify stage wrote this right after SMTP accepted; the job was re-delivered before it completed.
  await client.set(`${config.REDIS_PREFIX}:tray:sent:${sentBefore.notificationId}`, `<${sentBefore.notificationId}@reauth>`, 'EX', 30 * 86_400);
}

/** A link as the old signer made it (wire version 1, same key derivation and field order). */
function v1Link(claims: { authId: string; userId: string; notificationId: string; solutionInstanceId?: string; externalAuthId?: string }, expiresAt: number): string {
  const key = Buffer.from(hkdfSync('sha256', linkSettings.parse(stack.config).LINK_SECRET, 'reauth', 'reauth-link-v1', 32));
  const wire = {
    v: 1,
    a: claims.authId,
    u: claims.userId,
    n: claims.notificationId,
    ...(claims.solutionInstanceId ? { s: claims.solutionInstanceId } : {}),
    ...(claims.externalAuthId ? { x: claims.externalAuthId } : {}),
    e: Math.floor(expiresAt / 1000),
  };
  const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `/reauth/${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

const DAY_MS = 86_400_000;
const mailsTo = (address: string) => stack.smtp.messages.filter((m) => m.to.includes(address));

const inState = (id: string, state: NotificationState) =>
  eventually(`notification ${id} to be ${state}`, async () => {
    const record = await stack.store.get(id);
    return record?.state === state ? record : undefined;
  });

/** Presses the landing page's button and follows the redirect into the fake dialog, which must accept its code. */
async function reconnect(path: string, choice?: string): Promise<string> {
  const res = await stack.pressButton(path, choice);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(location.searchParams.get('code')).toMatch(/^[0-9a-f]{40}$/);
  expect((await fetch(location)).status).toBe(200);
  return `${location.origin}${location.pathname}`;
}

beforeAll(async () => {
  stack = await startStack({ env: { TRAY_LINK_MODE: 'instance-slot' }, beforeStart: seedOldLayout });
});
afterAll(async () => {
  await stack?.stop();
});

describe('upgrading from the layout before the notification core', () => {
  it.each(['tokenLookup', 'instanceMapping', 'notify'] as const)('sees a waiting %s job through to exactly one email and a notified record', async (name) => {
    const s = old[name];
    await inState(s.notificationId, 'notified');
    const { state } = await finished(stack, 'notify', `${s.notificationId}.s0`);
    expect(state).toBe('completed');
    const [mail, ...extra] = mailsTo(s.email);
    expect(extra).toHaveLength(0);
    expect(mail?.messageId).toBe(`<${s.notificationId}@reauth>`);
    expect(mail?.text).toContain(s.instance.name);
    expect(await stack.store.get(s.notificationId)).toMatchObject({ provider: 'tray', sends: 1, ids: { authId: s.authId, userId: s.userId } });
  });

  it('does not send again what the old layout had sent, and still files it as notified', async () => {
    const s = old.sentBefore;
    const { job, state } = await finished(stack, 'notify', s.notificationId);
    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual({ outcome: 'already-sent' });
    expect(await stack.store.get(s.notificationId)).toMatchObject({ state: 'notified', sends: 1, ids: { authId: s.authId } });
    expect(await stack.queues.get('notify').getJob(`${s.notificationId}.s0`)).toBeUndefined();
    expect(mailsTo(s.email)).toHaveLength(0);
  });

  it("keeps that email's version-1 slot link working: it lands on the carried-over record and opens the slot's create dialog", async () => {
    const s = old.sentBefore;
    const path = v1Link({ ...s, solutionInstanceId: s.instance.id, externalAuthId: s.instance.externalId }, s.job.receivedAt + 30 * DAY_MS);
    const page = await fetch(`${stack.ingressUrl}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Reconnect ${s.instance.name}`);
    expect(await reconnect(path, '0')).toBe(`${stack.tray.dialogUrl}/external/auth/create/acme/${s.instance.id}/${s.instance.externalId}`);
    await inState(s.notificationId, 'opened');
  });

  it('adopts a version-1 link of a notification without a record: the page loads, the button opens the edit dialog', async () => {
    const s = seedUser(stack);
    expect(await stack.store.get(s.notificationId)).toBeUndefined();
    const path = v1Link(s, Date.now() + 30 * DAY_MS);
    const page = await fetch(`${stack.ingressUrl}${path}`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<button type="submit"[^>]*>Reconnect /);
    expect(await reconnect(path)).toBe(`${stack.tray.dialogUrl}/external/auth/edit/acme/${s.authId}`);
    expect(await inState(s.notificationId, 'opened')).toMatchObject({ provider: 'tray', ids: { authId: s.authId, userId: s.userId } });
  });

  it('adopts a version-1 slot link without a record: its button opens the create dialog of that slot', async () => {
    const s = seedUser(stack);
    const path = v1Link({ ...s, solutionInstanceId: s.instance.id, externalAuthId: s.instance.externalId }, Date.now() + 30 * DAY_MS);
    expect((await fetch(`${stack.ingressUrl}${path}`)).status).toBe(200);
    expect(await reconnect(path, '0')).toBe(`${stack.tray.dialogUrl}/external/auth/create/acme/${s.instance.id}/${s.instance.externalId}`);
  });

  it('opens each slot of one old email from its own version-1 link, whichever of them adopted the record', async () => {
    const s = seedUser(stack);
    const other = { id: `${s.instance.id}-b`, name: `${s.instance.name} B`, externalId: 'slot_1' };
    stack.tray.addInstance({ id: other.id, name: other.name, owner: s.userId, authValues: [{ externalId: other.externalId, authId: s.authId }] });
    const expiresAt = Date.now() + 30 * DAY_MS;
    const [first, second] = [s.instance, other].map((slot) => v1Link({ ...s, solutionInstanceId: slot.id, externalAuthId: slot.externalId }, expiresAt)) as [string, string];
    expect(await reconnect(first)).toBe(`${stack.tray.dialogUrl}/external/auth/create/acme/${s.instance.id}/${s.instance.externalId}`);
    expect(await reconnect(second)).toBe(`${stack.tray.dialogUrl}/external/auth/create/acme/${other.id}/${other.externalId}`);
    // Adopted records are scheduled, so one whose person never comes back lapses at its links' expiry.
    expect(Number(await stack.client.zscore(`${stack.store.base}:due`, s.notificationId))).toBe(Math.floor(expiresAt / 1000) * 1000);
  });

  it('answers an expired version-1 link with the expired page and adopts nothing', async () => {
    const s = seedUser(stack);
    const res = await fetch(`${stack.ingressUrl}${v1Link(s, Date.now() - 1_000)}`, { redirect: 'manual' });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('This link has expired');
    expect(await stack.store.get(s.notificationId)).toBeUndefined();
  });
});
