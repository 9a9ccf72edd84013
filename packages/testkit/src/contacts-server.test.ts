import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startContactsServer, type ContactsServer } from './contacts-server.js';

function contactUrl(server: ContactsServer, externalUserId: string): string {
  return server.urlTemplate.replace('{external_user_id}', encodeURIComponent(externalUserId));
}

describe('startContactsServer', () => {
  let server: ContactsServer;

  beforeAll(async () => {
    server = await startContactsServer({ 'user-1': { email: 'alice@example.com', name: 'Alice' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('exposes a loopback URL template', () => {
    expect(server.urlTemplate).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/contacts\/\{external_user_id\}$/);
  });

  it('returns a known contact as JSON', async () => {
    const res = await fetch(contactUrl(server, 'user-1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ email: 'alice@example.com', name: 'Alice' });
  });

  it('answers 404 for an unknown contact and records the lookup', async () => {
    const res = await fetch(contactUrl(server, 'nobody'));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
    expect(server.requests.at(-1)).toEqual({ externalUserId: 'nobody', status: 404 });
  });

  it('decodes the id and reflects set/remove', async () => {
    const id = 'tenant/42 bob@corp';
    server.set(id, { email: 'bob@corp.example' });
    const found = await fetch(contactUrl(server, id));
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ email: 'bob@corp.example' });
    expect(server.requests.at(-1)).toEqual({ externalUserId: id, status: 200 });

    server.remove(id);
    expect((await fetch(contactUrl(server, id))).status).toBe(404);
  });

  it('answers failNext statuses, 503 by default, then recovers', async () => {
    server.failNext(1);
    server.failNext(1, 500);
    expect((await fetch(contactUrl(server, 'user-1'))).status).toBe(503);
    expect((await fetch(contactUrl(server, 'user-1'))).status).toBe(500);
    expect((await fetch(contactUrl(server, 'user-1'))).status).toBe(200);
    expect(server.requests.slice(-3).map((request) => request.status)).toEqual([503, 500, 200]);
  });

  it('answers 404 off the contacts path and 405 for other methods', async () => {
    const base = new URL(server.urlTemplate).origin;
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${base}/contacts/`)).status).toBe(404);
    const post = await fetch(contactUrl(server, 'user-1'), { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });
});

describe('startContactsServer with a token', () => {
  let server: ContactsServer;

  beforeAll(async () => {
    server = await startContactsServer({ 'user-1': { email: 'alice@example.com' } }, { token: 'sekret' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 401 without the bearer token', async () => {
    const res = await fetch(contactUrl(server, 'user-1'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(server.requests.at(-1)).toEqual({ externalUserId: 'user-1', status: 401 });
  });

  it('answers 401 with a wrong token', async () => {
    const res = await fetch(contactUrl(server, 'user-1'), { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
  });

  it('serves the contact with the right token', async () => {
    const res = await fetch(contactUrl(server, 'user-1'), { headers: { authorization: 'Bearer sekret' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ email: 'alice@example.com' });
  });
});
