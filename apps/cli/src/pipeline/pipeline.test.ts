import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listDeadLetters } from '@reauth/queues';
import { eventually, finished, startStack, type Stack } from './stack.js';

let stack: Stack;
let seq = 0;

/** A user with `count` instances; `matchAt` lists which of them use the expiring auth. */
function seedUser(count: number, matchAt: number[], contact: { email: string; name?: string } | null) {
  seq += 1;
  const userId = `user-${seq}`;
  const externalUserId = `ext-${seq}`;
  const authId = `auth-${seq}`;
  stack.tray.addUser({ id: userId, externalUserId, name: `User ${seq}` });
  for (let i = 0; i < count; i++) {
    stack.tray.addInstance({
      id: `si-${seq}-${i}`,
      name: `Instance ${seq}.${i}`,
      owner: userId,
      authValues: [{ externalId: `slot_${i}`, authId: matchAt.includes(i) ? authId : `other-${seq}-${i}` }],
    });
  }
  if (contact) stack.contacts.set(externalUserId, contact);
  const webhook = { authentication_name: `Auth ${seq}`, service_name: 'salesforce', user_id: userId, authId, external_user_id: externalUserId };
  return { userId, externalUserId, authId, webhook };
}

async function accept(body: unknown): Promise<string> {
  const res = await stack.postWebhook(body);
  expect(res.status).toBe(200);
  const json = (await res.json()) as { status: string; id: string };
  expect(json.status).toBe('accepted');
  return json.id;
}

const finishedIn = (queue: string, id: string) => finished(stack, queue, id);

const mailsTo = (address: string) => stack.smtp.messages.filter((m) => m.to.includes(address));
const linkIn = (text: string) => /http:\/\/reauth\.test(\/reauth\/[A-Za-z0-9_.-]+)/.exec(text)?.[1];


beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('Tray expired-auth pipeline over real HTTP, Redis and SMTP', () => {
  it('emails the contact once, naming every affected instance, including matches on later pages', async () => {
    const u = seedUser(5, [2, 4], { email: 'ada@customer.test', name: 'Ada' });
    const id = await accept(u.webhook);
    await finishedIn('notify', `${id}.s0`);

    const [mail, ...extra] = mailsTo('ada@customer.test');
    expect(extra).toHaveLength(0);
    expect(mail?.messageId).toBe(`<${id}@reauth>`);
    expect(mail?.subject).toBe('Action needed: reconnect your salesforce account');
    // Page size 2: instance 2 is on page two, instance 4 on page three; 0, 1 and 3 are not affected.
    expect(mail?.text).toContain(`Instance ${seq}.2`);
    expect(mail?.text).toContain(`Instance ${seq}.4`);
    expect(mail?.text).not.toContain(`Instance ${seq}.3`);
    expect(mail?.html).toContain(`Instance ${seq}.4`);
    expect(linkIn(mail?.text ?? '')).toBeDefined();
    const listCalls = stack.tray.calls.filter((c) => c.operation === 'viewer' && c.tokenKind === 'user');
    expect(listCalls.length).toBeGreaterThanOrEqual(3);
  });

  it('answers a duplicate within the window as duplicate and sends nothing more', async () => {
    const u = seedUser(1, [0], { email: 'dup@customer.test' });
    const id = await accept(u.webhook);
    const again = await stack.postWebhook(u.webhook);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', id });
    await finishedIn('notify', `${id}.s0`);
    expect(mailsTo('dup@customer.test')).toHaveLength(1);
    expect(await stack.queues.get('token-lookup').getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
  });

  it('skips an auth that no instance uses', async () => {
    const u = seedUser(3, [], { email: 'unused@customer.test' });
    const id = await accept(u.webhook);
    const { job, state } = await finishedIn('instance-mapping', id);
    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ outcome: 'skipped', reason: 'auth-unused', scanned: 3 });
    expect(await stack.queues.get('notify').getJob(`${id}.s0`)).toBeUndefined();
    expect(mailsTo('unused@customer.test')).toHaveLength(0);
  });

  it('rejects bad input with the reason and enqueues nothing', async () => {
    const before = await stack.queues.get('token-lookup').count();
    const missing = await stack.postWebhook({ service_name: 'x', user_id: 'u' });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { issues: Array<{ path: string }> };
    expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['authId', 'external_user_id', 'authentication_name']));
    expect((await stack.postWebhook('{"authId":')).status).toBe(400);
    expect((await stack.postWebhook('authId=1', { contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await stack.postWebhook(seedUser(0, [], null).webhook, { token: 'wrong-token-123456' })).status).toBe(401);
    expect((await stack.postWebhook({ ...seedUser(0, [], null).webhook, pad: 'x'.repeat(70_000) })).status).toBe(413);
    expect(await stack.queues.get('token-lookup').count()).toBe(before);
  });

  it('lands on a page that mints nothing; its button 302s to the auth dialog with a fresh code; a tampered link is refused', async () => {
    const u = seedUser(1, [0], { email: 'link@customer.test' });
    const id = await accept(u.webhook);
    await finishedIn('notify', `${id}.s0`);
    const path = linkIn(mailsTo('link@customer.test')[0]?.text ?? '');
    expect(path).toBeDefined();

    const minted = () => stack.tray.calls.filter((c) => c.operation === 'generateAuthorizationCode').length;
    const before = minted();
    const page = await fetch(`${stack.ingressUrl}${path}`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Reconnect salesforce');
    expect(minted()).toBe(before);

    const codes: string[] = [];
    for (let click = 0; click < 2; click++) {
      const res = await stack.pressButton(path ?? '');
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(`${stack.tray.dialogUrl}/external/auth/edit/acme/${u.authId}`);
      codes.push(location.searchParams.get('code') ?? '');
      // The simulated dialog accepts the code exactly once: it was minted for this user, just now.
      expect((await fetch(location)).status).toBe(200);
    }
    expect(new Set(codes).size).toBe(2);
    expect(minted()).toBe(before + 2);
    // Pressed without the page's form key (a cross-site form, a replayed request): refused.
    const forged = await fetch(`${stack.ingressUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'k=nope' });
    expect(forged.status).toBe(403);

    const [body, sig] = (path ?? '').split('.') as [string, string];
    const tampered = await fetch(`${stack.ingressUrl}${body.slice(0, -3)}AAA.${sig}`, { redirect: 'manual' });
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get('location')).toBeNull();
    expect(await tampered.text()).toContain('This link is not valid');
  });

  it('dead-letters a user with no contact, with the reason', async () => {
    const u = seedUser(1, [0], null);
    const id = await accept(u.webhook);
    const { state } = await finishedIn('notify', `${id}.s0`);
    expect(state).toBe('failed');
    const entry = await eventually('the dead-letter entry', async () => (await listDeadLetters(stack.queues)).find((e) => e.jobId === `${id}.s0`));
    expect(entry).toMatchObject({ sourceQueue: 'notify', jobName: 'notification.send', attempts: 1, reason: 'no contact found for the external user id' });
    expect(entry.data).toEqual({ notificationId: id, send: 0 });
    const record = await eventually('the notification to fail', async () => {
      const r = await stack.store.get(id);
      return r?.state === 'failed' ? r : undefined;
    });
    expect(record).toMatchObject({ provider: 'tray', reason: 'dead-lettered', ids: { authId: u.authId, userId: u.userId } });
  });

  it('retries Tray 5xx and rate-limit answers and still sends exactly one email', async () => {
    const u = seedUser(2, [1], { email: 'flaky@customer.test' });
    stack.tray.failNext(2, 502);
    stack.tray.rateLimitNext(2);
    const id = await accept(u.webhook);
    const { state } = await finishedIn('notify', `${id}.s0`);
    expect(state).toBe('completed');
    expect(mailsTo('flaky@customer.test')).toHaveLength(1);
    const tokenJob = await stack.queues.get('token-lookup').getJob(id);
    // 5xx spends attempts; rate-limit answers park the job without spending one.
    expect(tokenJob?.attemptsMade).toBeLessThanOrEqual(3);
  });
});
