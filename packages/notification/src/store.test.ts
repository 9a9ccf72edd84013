import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createNotifications, type Notifications, type OpenInput } from './index.js';
import { useRedis } from './test-redis.js';

const DAY = 86_400_000;
const client = useRedis();

const fresh = (now?: () => number): Notifications => createNotifications(client(), { prefix: `t${randomUUID().slice(0, 8)}`, retentionDays: 30, ...(now ? { now } : {}) });
const input = (id: string, over: Partial<OpenInput> = {}): OpenInput => ({
  id,
  provider: 'tray',
  subjectKey: `auth-${id}`,
  ids: { authId: `auth-${id}`, userId: 'u1' },
  contactKey: 'ext-1',
  expiresAt: Date.now() + 14 * DAY,
  ...over,
});

describe('notification store', () => {
  it('creates a record once, with its first timeline entry', async () => {
    const store = fresh();
    expect(await store.open(input('n1', { context: { instances: ['A'] }, detail: 'from the webhook' }))).toEqual({ created: true, state: 'received' });
    expect(await store.open(input('n1'))).toEqual({ created: false, state: 'received' });
    const detail = await store.detail('n1');
    expect(detail).toMatchObject({ id: 'n1', provider: 'tray', state: 'received', sends: 0, ids: { authId: 'auth-n1', userId: 'u1' }, context: { instances: ['A'] } });
    expect(detail?.events.map((e) => [e.kind, e.detail])).toEqual([['received', 'from the webhook']]);
    expect(await store.get('missing')).toBeUndefined();
  });

  it('moves forward only; an ended notification stays ended, except a replay of a failed one', async () => {
    const store = fresh();
    await store.open(input('n2'));
    expect(await store.move('n2', { to: 'notified', sentIndex: 0 })).toEqual({ before: 'received', after: 'notified' });
    expect(await store.move('n2', { to: 'opened' })).toEqual({ before: 'notified', after: 'opened' });
    // A reminder sent after the link was opened counts, but does not move the state back.
    expect(await store.move('n2', { to: 'reminded', sentIndex: 1, event: { kind: 'reminder-sent' } })).toEqual({ before: 'opened', after: 'opened' });
    expect((await store.get('n2'))?.sends).toBe(2);
    expect(await store.move('n2', { to: 'completed', reason: 'finished' })).toEqual({ before: 'opened', after: 'completed' });
    expect(await store.move('n2', { to: 'opened' })).toEqual({ before: 'completed', after: 'completed' });
    expect(await store.move('n2', { to: 'received' })).toEqual({ before: 'completed', after: 'completed' });
    const kinds = (await store.detail('n2'))?.events.map((e) => e.kind);
    expect(kinds).toEqual(['received', 'notified', 'opened', 'reminder-sent', 'completed']);

    await store.open(input('n3'));
    await store.move('n3', { to: 'failed', reason: 'dead-lettered' });
    expect(await store.move('n3', { to: 'received', event: { kind: 'replayed' } })).toEqual({ before: 'failed', after: 'received' });
    expect((await store.get('n3'))?.reason).toBeUndefined();
    expect(await store.move('nobody', { to: 'opened' })).toBeUndefined();
  });

  it('supersedes the open notification of the same credential, and leaves ended ones alone', async () => {
    const store = fresh();
    await store.open(input('old', { subjectKey: 'cred', due: Date.now() + 1000, sealed: 'sealed-secret' }));
    expect(await store.open(input('new', { subjectKey: 'cred' }))).toEqual({ created: true, state: 'received', superseded: 'old' });
    const old = await store.get('old');
    expect(old).toMatchObject({ state: 'superseded' });
    expect(old?.sealed).toBeUndefined();
    expect(await client().zscore(`${store.base}:due`, 'old')).toBeNull();
    await store.move('new', { to: 'completed' });
    expect(await store.open(input('newer', { subjectKey: 'cred' }))).toEqual({ created: true, state: 'received' });
  });

  it('finds the open notification of a credential, and a renewal ends the older one completed', async () => {
    const store = fresh();
    await store.open(input('first', { subjectKey: 'cred2', sealed: 'sealed-secret' }));
    expect((await store.openFor('tray', 'cred2'))?.id).toBe('first');
    expect(await store.open(input('second', { subjectKey: 'cred2', replaces: { state: 'completed', reason: 'renewed' } }))).toMatchObject({ superseded: 'first' });
    expect(await store.get('first')).toMatchObject({ state: 'completed', reason: 'renewed' });
    expect((await store.get('first'))?.sealed).toBeUndefined();
    expect((await store.openFor('tray', 'cred2'))?.id).toBe('second');
    await store.move('second', { to: 'superseded', reason: 'revoked' });
    expect(await store.openFor('tray', 'cred2')).toBeUndefined();
  });

  it("sets the caller's marker to the id in the open's script, whether it creates or finds the record", async () => {
    const store = fresh();
    const marker = (name: string) => ({ key: `${store.base}:marker:${name}`, ttlMs: 60_000 });
    await store.open(input('m1', { marker: marker('a') }));
    await store.open(input('m1', { marker: marker('b') }));
    for (const name of ['a', 'b']) {
      expect(await client().get(marker(name).key)).toBe('m1');
      expect(await client().pttl(marker(name).key)).toBeGreaterThan(50_000);
    }
  });

  it('leases due entries without dropping them, and an ended notification leaves the schedule', async () => {
    const store = fresh();
    const t = Date.now();
    await store.open(input('a', { due: t - 10 }));
    await store.open(input('b', { due: t - 5 }));
    await store.open(input('c', { due: t + 60_000 }));
    expect(await store.leaseDue(t, 30_000, 10)).toEqual(['a', 'b']);
    expect(await store.leaseDue(t, 30_000, 10)).toEqual([]);
    // Nobody acted on 'a' and 'b': after the lease they are due again.
    expect(await store.leaseDue(t + 30_001, 30_000, 10)).toEqual(['a', 'b']);
    await store.move('a', { to: 'completed' });
    await store.move('b', { due: t + 90_000 });
    expect(await store.leaseDue(t + 70_000, 30_000, 10)).toEqual(['c']);
    // 'c' is leased until t + 100 s, after 'b' at t + 90 s.
    expect(await client().zrange(`${store.base}:due`, '0', '-1')).toEqual(['b', 'c']);
  });

  it('lists by provider, state and provider ids, newest first, and counts the funnel', async () => {
    let clock = Date.now();
    const store = fresh(() => (clock += 1));
    await store.open(input('x1', { ids: { authId: 'a', userId: 'u1' } }));
    await store.open(input('x2', { ids: { authId: 'a', userId: 'u2' } }));
    await store.open(input('x3', { provider: 'truelayer', ids: { credentials_id: 'c1' } }));
    await store.move('x1', { to: 'notified', sentIndex: 0 });
    await store.move('x3', { to: 'notified', sentIndex: 0 });
    await store.move('x3', { to: 'lapsed' });
    const ids = async (f: Parameters<Notifications['list']>[0]) => (await store.list(f)).items.map((r) => r.id);
    expect(await ids({})).toEqual(['x3', 'x2', 'x1']);
    expect(await ids({ provider: 'tray' })).toEqual(['x2', 'x1']);
    expect(await ids({ provider: 'tray', authId: 'a', userId: 'u2' })).toEqual(['x2']);
    expect(await ids({ state: 'notified' })).toEqual(['x1']);
    expect(await ids({ provider: 'truelayer', credentials_id: 'c1' })).toEqual(['x3']);
    await expect(store.list({ authId: 'a' })).rejects.toThrow(/needs the provider/);
    expect((await store.list({ limit: 2 })).next).toBe(2);
    expect(await store.funnel()).toEqual({
      tray: { received: 2, notified: 1, opened: 0, completed: 0, lapsed: 0, failed: 0, superseded: 0, skipped: 0 },
      truelayer: { received: 1, notified: 1, opened: 0, completed: 0, lapsed: 1, failed: 0, superseded: 0, skipped: 0 },
    });
    // Lists never show the sealed secret.
    await store.open(input('x4', { sealed: 'sealed-value' }));
    expect(JSON.stringify(await store.list({}))).not.toContain('sealed-value');
    expect(JSON.stringify(await store.detail('x4'))).not.toContain('sealed-value');
  });

  it('keeps every key until HISTORY_DAYS after the links expire', async () => {
    const store = fresh();
    const expiresAt = Date.now() + 14 * DAY;
    await store.open(input('k', { expiresAt }));
    for (const key of [`${store.base}:rec:k`, `${store.base}:ev:k`, `${store.base}:ix:tray:authId:auth-k`, `${store.base}:open:tray:auth-k`]) {
      const ttl = await client().pttl(key);
      expect(ttl).toBeGreaterThan(43 * DAY);
      expect(ttl).toBeLessThanOrEqual(44 * DAY);
    }
  });
});

describe('events outbox', () => {
  const outboxOf = async (store: Notifications) => (await client().xrange(store.outbox, '-', '+')).map(([, flat]) => Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]]] : []))) as Record<string, string>);

  it('writes each transition of the enabled types in the same script, numbered per notification', async () => {
    const store = createNotifications(client(), { prefix: `t${randomUUID().slice(0, 8)}`, retentionDays: 30, eventTypes: ['notification.created', 'reauth.completed', 'reauth.failed'] });
    await store.open(input('e1'));
    await store.move('e1', { to: 'notified', sentIndex: 0, event: { kind: 'email-sent' } }); // notification.sent: not enabled
    await store.move('e1', { to: 'completed', reason: 'finished' });
    await store.open(input('e2'));
    await store.move('e2', { to: 'failed', reason: 'no-contact' });
    const entries = await outboxOf(store);
    expect(entries.map((e) => [e.type, e.id, e.seq])).toEqual([
      ['notification.created', 'e1', '1'],
      ['reauth.completed', 'e1', '2'],
      ['notification.created', 'e2', '1'],
      ['reauth.failed', 'e2', '2'],
    ]);
    expect(entries[3]).toMatchObject({ provider: 'tray', state: 'failed', reason: 'no-contact', ids: JSON.stringify({ authId: 'auth-e2', userId: 'u1' }) });
  });

  it('writes nothing when events are off', async () => {
    const store = fresh();
    await store.open(input('e3'));
    await store.move('e3', { to: 'completed' });
    await store.emit('sweep.completed', 'journeyapps', { report: {} });
    expect(await client().exists(store.outbox)).toBe(0);
  });
});
