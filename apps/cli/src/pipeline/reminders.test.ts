import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJobId } from '@reauth/notification';
import type { CapturedMail } from '@reauth/testkit';
import { eventually, finished, startStack, type Stack } from './stack.js';

let stack: Stack;
let seq = 0;

/**
 * An `Etc/GMT` zone whose clock reads `hour` right now (Etc/GMT+N is N hours behind UTC), so the
 * quiet-hours case needs no particular time of day to run.
 */
function zoneAt(hour: number): string {
  let behind = (new Date().getUTCHours() - hour + 24) % 24;
  if (behind > 12) behind -= 24;
  return behind >= 0 ? `Etc/GMT+${behind}` : `Etc/GMT${behind}`;
}

/** A Tray user whose expiring auth one instance uses, with a contact. */
function seedUser(timezone?: string) {
  seq += 1;
  const [userId, externalUserId, authId, email] = [`r-user-${seq}`, `r-ext-${seq}`, `r-auth-${seq}`, `r${seq}@customer.test`];
  stack.tray.addUser({ id: userId, externalUserId, name: `User ${seq}` });
  stack.tray.addInstance({ id: `r-si-${seq}`, name: `Sync ${seq}`, owner: userId, authValues: [{ externalId: 'crm', authId }] });
  stack.contacts.set(externalUserId, { email, ...(timezone ? { timezone } : {}) });
  return { email, authId, webhook: { authentication_name: `CRM ${seq}`, service_name: 'salesforce', user_id: userId, authId, external_user_id: externalUserId } };
}

async function post(webhook: object): Promise<{ status: string; id: string }> {
  const res = await stack.postWebhook(webhook);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; id: string };
}

const mailsTo = (address: string) => stack.smtp.messages.filter((m) => m.to.includes(address));
const mailsCount = (address: string, n: number) => eventually(`${n} email(s) to ${address}`, async () => (mailsTo(address).length >= n ? mailsTo(address) : undefined), 30_000);
const pathIn = (mail: CapturedMail | undefined) => /http:\/\/reauth\.test(\/reauth\/[A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
const header = (mail: CapturedMail | undefined, name: string) => String(mail?.headers.get(name) ?? '');
const minted = () => stack.tray.calls.filter((c) => c.operation === 'generateAuthorizationCode').length;
const due = async (id: string) => stack.client.zscore(`${stack.store.base}:due`, id);

beforeAll(async () => {
  // Reminders 2 s and 4 s after the first email; a dedupe window of 1.8 s, so a notice can supersede.
  // Quiet hours 06-18 in a default zone where it is now about noon: every contact without a zone of
  // its own is inside them, one whose zone reads midnight is not.
  stack = await startStack({ env: { TRAY_REMINDERS: '2s,4s', DEDUPE_WINDOW_HOURS: '0.0005', REMINDER_HOURS: '06-18', REMINDER_TIMEZONE: zoneAt(12) } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('reminders until the person is back', () => {
  it('sends an ignored notification exactly two reminders, threaded under the first email, on time, then waits for its links to expire', async () => {
    const u = seedUser();
    const { id } = await post(u.webhook);
    const [first, r1, r2] = (await mailsCount(u.email, 3)) as [CapturedMail, CapturedMail, CapturedMail];
    expect([first.messageId, r1.messageId, r2.messageId]).toEqual([`<${id}@reauth>`, `<${id}.r1@reauth>`, `<${id}.r2@reauth>`]);
    expect(first.subject).toBe('Action needed: reconnect your salesforce account');
    for (const reminder of [r1, r2]) {
      expect(reminder.subject).toMatch(/^Reminder: reconnect your salesforce account \((1[34] days) left\)$/);
      expect(header(reminder, 'in-reply-to')).toBe(`<${id}@reauth>`);
      expect(header(reminder, 'references')).toContain(`<${id}@reauth>`);
      expect(reminder.text).toContain('This is a reminder');
    }
    // Due 2 s and 4 s after the first email was accepted: never early; late by the 1 s tick plus the
    // send, with room for a loaded machine.
    const lateness = [r1, r2].map((m, i) => m.receivedAt - first.receivedAt - (i + 1) * 2_000);
    for (const late of lateness) {
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(4_000);
    }
    const record = await eventually('the second reminder to be recorded', async () => {
      const r = await stack.store.get(id);
      return r?.sends === 3 ? r : undefined;
    });
    expect(record).toMatchObject({ state: 'reminded', sends: 3 });
    // Nothing more is scheduled before its links expire, when it lapses if nobody came back.
    expect(Number(await due(id))).toBe(record.expiresAt);
    expect(await stack.queues.get('notify').getJob(sendJobId(id, 3))).toBeUndefined();
    expect(mailsTo(u.email)).toHaveLength(3);
  });

  it('lets a mail scanner’s HEAD and GET mint nothing and open nothing', async () => {
    const u = seedUser();
    const { id } = await post(u.webhook);
    const path = pathIn((await mailsCount(u.email, 1))[0]);
    await eventually('the first email to be recorded', async () => (await stack.store.get(id))?.state === 'notified');

    // Safe Links and the like: HEAD, then GET, no cookies, no JavaScript.
    const before = minted();
    expect((await fetch(`${stack.ingressUrl}${path}`, { method: 'HEAD' })).status).toBe(200);
    const page = await fetch(`${stack.ingressUrl}${path}`, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Safe Links scanner)' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="k"');
    expect(minted()).toBe(before);
    expect((await stack.store.get(id))?.state).toBe('notified');
  });

  it('sends no reminder once the notification completes', async () => {
    const [done, control] = [seedUser(), seedUser()];
    const { id } = await post(done.webhook);
    await post(control.webhook);
    const path = pathIn((await mailsCount(done.email, 1))[0]);

    // The person comes back: the page, its button, then the dialog's finish as the page reports it.
    const k = /name="k" value="([^"]+)"/.exec(await (await fetch(`${stack.ingressUrl}${path}`)).text())?.[1] ?? '';
    const before = minted();
    expect((await stack.pressButton(path)).status).toBe(302);
    expect(minted()).toBe(before + 1);
    expect((await stack.store.get(id))?.state).toBe('opened');
    const finish = await fetch(`${stack.ingressUrl}${path}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ k, type: 'finish' }) });
    expect(finish.status).toBe(204);
    expect(await stack.store.get(id)).toMatchObject({ state: 'completed', reason: 'finished in the dialog' });
    expect(await due(id)).toBeNull();

    // Past both of its reminders' times (the control, posted after it, has had both): still one email.
    await mailsCount(control.email, 3);
    expect(mailsTo(done.email)).toHaveLength(1);
    expect(await stack.queues.get('notify').getJob(sendJobId(id, 1))).toBeUndefined();
  });

  it('supersedes the open notification when the same auth is reported again after the dedupe window', async () => {
    const u = seedUser();
    const first = await post(u.webhook);
    const [oldMail] = await mailsCount(u.email, 1);
    // Within the window the same auth is a duplicate; after it, a new notification.
    const second = await eventually('the dedupe window to pass', async () => {
      const answer = await post(u.webhook);
      return answer.status === 'accepted' ? answer : undefined;
    });
    expect(second.id).not.toBe(first.id);
    await finished(stack, 'notify', sendJobId(second.id, 0));
    expect(await stack.store.get(first.id)).toMatchObject({ state: 'superseded', reason: 'a newer notice for the same credential' });
    expect(await due(first.id)).toBeNull();

    const page = await fetch(`${stack.ingressUrl}${pathIn(oldMail)}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This link has been replaced');

    // The newer one has its own first email and both reminders, past both of the older one's times;
    // the older one never had a reminder.
    const mails = await mailsCount(u.email, 4);
    expect(mails.map((m) => m.messageId)).toEqual([`<${first.id}@reauth>`, `<${second.id}@reauth>`, `<${second.id}.r1@reauth>`, `<${second.id}.r2@reauth>`]);
  });

  it('holds a reminder due outside the contact’s hours until they open, and sends the first email at once', async () => {
    const u = seedUser(zoneAt(0));
    const { id } = await post(u.webhook);
    const deferred = await eventually('the reminder to be deferred', async () => (await stack.store.detail(id))?.events.find((e) => e.kind === 'reminder-deferred'), 30_000);
    // Until 06:00 there, on the hour and hours away (the UTC hour may have turned since the zone was picked).
    const until = Date.parse(deferred.detail?.replace('quiet hours: until ', '') ?? '');
    expect(until % 3_600_000).toBe(0);
    expect(until - Date.now()).toBeGreaterThan(4 * 3_600_000);
    // Held as a delayed job until then: the first email is all that went out.
    expect(await stack.queues.get('notify').getJob(sendJobId(id, 1)).then((job) => job?.getState())).toBe('delayed');
    expect(mailsTo(u.email).map((m) => m.messageId)).toEqual([`<${id}@reauth>`]);
    expect(await stack.store.get(id)).toMatchObject({ state: 'notified', sends: 1 });
  });
});
