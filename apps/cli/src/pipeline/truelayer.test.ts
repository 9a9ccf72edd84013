import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postSigned, startFakeTrueLayer, webhookSecret, type FakeTrueLayer } from '@reauth/testkit';
import { eventually, startStack, type Stack } from './stack.js';

// Real ingress, notify and reminders roles, Redis, SMTP capture and a fake TrueLayer over HTTP;
// the offsets are seconds so the whole schedule runs inside the test.
const secret = webhookSecret();
let stack: Stack;
let truelayer: FakeTrueLayer;
let handler: Server;
let handlerUrl = '';
const tokens: string[] = [];
/** The renewal each credential's redirect handler posts, by the state it comes back with. */
const renewals = new Map<string, Record<string, unknown>>();

const linkIn = (text: string) => /http:\/\/reauth\.test(\/reauth\/[A-Za-z0-9_.-]+)/.exec(text)?.[1];

async function post(path: string, body: unknown, id?: string, at?: Date): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await postSigned(`${stack.ingressUrl}${path}`, secret, body, { ...(id ? { id } : {}), ...(at ? { at } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function consent(credentialsId: string, expiresInMs: number, over: Record<string, unknown> = {}) {
  const refreshToken = `rt-${randomBytes(16).toString('hex')}`;
  tokens.push(refreshToken);
  const consentExpiresAt = Date.now() + expiresInMs;
  truelayer.addConnection({ refreshToken, redirectUri: `${handlerUrl}/callback`, consentExpiresAt });
  return {
    external_user_id: `ext-${credentialsId}`,
    credentials_id: credentialsId,
    refresh_token: refreshToken,
    redirect_uri: `${handlerUrl}/callback`,
    consent_expires_at: new Date(consentExpiresAt).toISOString(),
    provider: { provider_id: 'ob-lloyds', display_name: 'Lloyds' },
    state: credentialsId,
    contact: { email: `${credentialsId}@example.test`, name: 'Ada' },
    ...over,
  };
}

const mailsTo = (credentialsId: string) => stack.smtp.messages.filter((m) => m.to.includes(`${credentialsId}@example.test`));

beforeAll(async () => {
  truelayer = await startFakeTrueLayer({ graceMs: 0 });
  // The customer's redirect handler: exchanges the code (here: checks the fake issued it), then posts the renewed consent.
  handler = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://handler');
    const renewal = renewals.get(url.searchParams.get('state') ?? '');
    if (!renewal || !truelayer.codes.includes(url.searchParams.get('code') ?? '')) return void res.writeHead(400).end();
    void post('/webhooks/truelayer/consents', renewal).then((r) => res.writeHead(r.status === 200 ? 200 : 500, { 'content-type': 'text/plain' }).end(String(r.json.status)));
  });
  await new Promise<void>((resolve) => handler.listen(0, '127.0.0.1', resolve));
  handlerUrl = `http://127.0.0.1:${(handler.address() as AddressInfo).port}`;
  stack = await startStack({
    roles: ['ingress', 'notify', 'reminders'],
    env: {
      TRUELAYER_INTAKE_SECRET: secret,
      TRUELAYER_AUTH_URL: truelayer.url,
      TRUELAYER_NOTICES: '-3s,-1s',
      TRUELAYER_GRACE: '1h',
      TRUELAYER_FALLBACK_URL: 'https://app.example.test/connect?user={external_user_id}&c={credentials_id}',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await truelayer?.close();
  await new Promise((resolve) => handler?.close(resolve));
});

describe('TrueLayer consents', () => {
  it('accepts a signed consent, and refuses bad signatures, replays and bad bodies with nothing stored', async () => {
    const body = consent('cred-intake', 60_000);
    const first = await post('/webhooks/truelayer/consents', body, 'msg_intake_1');
    expect(first).toMatchObject({ status: 200, json: { status: 'accepted' } });
    // A replayed webhook-id is answered from its marker, even with a body that would renew.
    expect(await post('/webhooks/truelayer/consents', consent('cred-intake', 120_000), 'msg_intake_1')).toMatchObject({ status: 200, json: { status: 'duplicate', id: first.json.id } });
    expect(await post('/webhooks/truelayer/consents', body, 'msg_intake_1')).toMatchObject({ status: 200, json: { status: 'duplicate', id: first.json.id } });

    const forged = await postSigned(`${stack.ingressUrl}/webhooks/truelayer/consents`, secret, consent('cred-forged', 60_000), { signature: 'v1,AAAA' });
    expect(forged.status).toBe(401);
    expect((await postSigned(`${stack.ingressUrl}/webhooks/truelayer/consents`, webhookSecret(), consent('cred-forged', 60_000))).status).toBe(401);
    const unsigned = await fetch(`${stack.ingressUrl}/webhooks/truelayer/consents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(consent('cred-forged', 60_000)) });
    expect(unsigned.status).toBe(401);
    expect((await post('/webhooks/truelayer/consents', consent('cred-old', 60_000), undefined, new Date(Date.now() - 10 * 60_000))).status).toBe(401);
    const bad = await post('/webhooks/truelayer/consents', { ...consent('cred-bad', 60_000), consent_expires_at: 'soon' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.issues)).toContain('consent_expires_at');

    const stored = await stack.store.list({ provider: 'truelayer', limit: 200 });
    expect(stored.items.map((r) => r.ids.credentialsId)).not.toEqual(expect.arrayContaining(['cred-forged']));
    expect(stored.items.map((r) => r.ids.credentialsId).filter((c) => c === 'cred-old' || c === 'cred-bad')).toEqual([]);
  });

  it('updates a rotated token, and sends the notices on schedule', async () => {
    const body = consent('cred-notices', 4_000);
    const { json } = await post('/webhooks/truelayer/consents', body);
    const rotated = consent('cred-notices', 0, { consent_expires_at: body.consent_expires_at });
    expect(await post('/webhooks/truelayer/consents', rotated)).toMatchObject({ status: 200, json: { status: 'updated', id: json.id } });
    const mails = await eventually('both notices', async () => (mailsTo('cred-notices').length >= 2 ? mailsTo('cred-notices') : undefined), 20_000);
    const expiry = Date.parse(body.consent_expires_at);
    expect(mails[0]!.receivedAt).toBeGreaterThanOrEqual(expiry - 3_000 - 50);
    expect(mails[1]!.receivedAt).toBeGreaterThanOrEqual(expiry - 1_000 - 50);
    expect(mails[0]!.subject).toContain('Lloyds');
    // The record moves just after SMTP accepted the mail.
    await eventually('the second notice recorded', async () => ((await stack.store.get(String(json.id)))?.sends === 2 ? true : undefined));
    expect(await stack.store.get(String(json.id))).toMatchObject({ state: 'reminded', sends: 2 });
  });

  it('click, bank, the customer posts the renewal: completed, and no more notices', async () => {
    const body = consent('cred-click', 2_500);
    const renewed = { ...body, consent_expires_at: new Date(Date.now() + 90 * 86_400_000).toISOString() };
    renewals.set('cred-click', renewed);
    const { json } = await post('/webhooks/truelayer/consents', body);
    const [mail] = await eventually('the first notice', async () => (mailsTo('cred-click').length ? mailsTo('cred-click') : undefined), 20_000);
    const pressed = await stack.pressButton(linkIn(mail!.text)!);
    expect(pressed.status).toBe(302);
    expect(await stack.store.get(String(json.id))).toMatchObject({ state: 'opened' });
    const atBank = await fetch(pressed.headers.get('location')!, { redirect: 'follow' });
    expect(await atBank.text()).toBe('renewed');
    const old = await stack.store.get(String(json.id));
    expect(old).toMatchObject({ state: 'completed', reason: 'renewed' });
    expect(old?.sealed).toBeUndefined();
    // Its later notice is off the schedule, and the renewal's first is due 14 weeks from now.
    expect(await stack.client.zscore(`${stack.store.base}:due`, String(json.id))).toBeNull();
    const [renewal] = (await stack.store.list({ provider: 'truelayer', credentialsId: 'cred-click', state: 'received' })).items;
    expect(Number(await stack.client.zscore(`${stack.store.base}:due`, renewal!.id))).toBeGreaterThan(Date.now() + 80 * 86_400_000);
  });

  it('a token past its grace window leads to the fallback page and fails the notification', async () => {
    const { json } = await post('/webhooks/truelayer/consents', consent('cred-lapsed', -1_000));
    const [mail] = await eventually('the late notice', async () => (mailsTo('cred-lapsed').length ? mailsTo('cred-lapsed') : undefined), 20_000);
    const pressed = await stack.pressButton(linkIn(mail!.text)!);
    expect(pressed.status).toBe(410);
    expect(await pressed.text()).toContain('https://app.example.test/connect?user=ext-cred-lapsed&amp;c=cred-lapsed');
    expect(await stack.store.get(String(json.id))).toMatchObject({ state: 'failed', reason: 'reauth-refused' });
  });

  it('a 429 gives the retry page and leaves the notification open', async () => {
    const { json } = await post('/webhooks/truelayer/consents', consent('cred-busy', 2_000));
    const [mail] = await eventually('the first notice', async () => (mailsTo('cred-busy').length ? mailsTo('cred-busy') : undefined), 20_000);
    truelayer.failNext(2, 429);
    const pressed = await stack.pressButton(linkIn(mail!.text)!);
    expect(pressed.status).toBe(503);
    expect(await pressed.text()).toContain('try again in a minute');
    expect((await stack.store.get(String(json.id)))?.state).toMatch(/^(received|notified|reminded)$/);
  });

  it('a revoke ends the notification superseded and deletes its token', async () => {
    const { json } = await post('/webhooks/truelayer/consents', consent('cred-revoke', 60_000));
    expect(await post('/webhooks/truelayer/consents/cred-revoke/revoke', {})).toMatchObject({ status: 200, json: { status: 'revoked', id: json.id } });
    expect(await stack.store.get(String(json.id))).toMatchObject({ state: 'superseded', reason: 'revoked' });
    expect((await stack.store.get(String(json.id)))?.sealed).toBeUndefined();
  });

  it('no refresh token appears in clear in Redis, job data or any email', async () => {
    const keys = await stack.client.keys('*');
    const dump: string[] = [];
    for (const key of keys) {
      const type = await stack.client.type(key);
      if (type === 'string') dump.push(String(await stack.client.get(key)));
      else if (type === 'hash') dump.push(JSON.stringify(await stack.client.hgetall(key)));
      else if (type === 'list') dump.push(JSON.stringify(await stack.client.lrange(key, 0, -1)));
      else if (type === 'zset') dump.push(JSON.stringify(await stack.client.zrange(key, '0', '-1')));
      else if (type === 'set') dump.push(JSON.stringify(await stack.client.smembers(key)));
      else if (type === 'stream') dump.push(JSON.stringify(await stack.client.xrange(key, '-', '+')));
    }
    const all = dump.join('\n') + stack.smtp.messages.map((m) => m.text + m.html).join('\n');
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens.filter((t) => all.includes(t))).toEqual([]);
  });
});
