import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { launchChromium } from '@reauth/testkit';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually, startStack, type Stack } from './stack.js';

/**
 * The landing page as the person who got the email sees it: headless Chromium (Debian's
 * `chromium`, driven by playwright-core) opens the link from the captured email, presses the
 * button, and answers the fake Tray dialog's popup with each of its three postMessage events.
 * Reminders are an hour away, so the schedule entry is there for the whole test and only an
 * ended notification loses it.
 */

let stack: Stack;
let browser: Browser;
let seq = 0;

/** One expiring auth used by two of three instances, its contact, its webhook, and the link from its email. */
async function notification() {
  seq += 1;
  const userId = `user-${seq}`;
  const externalUserId = `ext-${seq}`;
  const authId = `auth-${seq}`;
  const email = `person-${seq}@customer.test`;
  stack.tray.addUser({ id: userId, externalUserId, name: `User ${seq}` });
  ['Nightly CRM sync', 'Lead import', 'Unrelated'].forEach((name, i) => {
    stack.tray.addInstance({ id: `si-${seq}-${i}`, name, owner: userId, authValues: [{ externalId: `slot_${i}`, authId: i < 2 ? authId : `other-${seq}` }] });
  });
  stack.contacts.set(externalUserId, { email });
  const res = await stack.postWebhook({ authentication_name: `Auth ${seq}`, service_name: 'salesforce', user_id: userId, authId, external_user_id: externalUserId });
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: string };
  const mail = await eventually(`the email to ${email}`, async () => stack.smtp.messages.find((m) => m.to.includes(email)));
  const path = /http:\/\/reauth\.test(\/reauth\/[A-Za-z0-9_.-]+)/.exec(mail.text)?.[1];
  if (!path) throw new Error(`no link in the email:\n${mail.text}`);
  await eventually('the reminder to be scheduled', async () => (await scheduled(id)) !== null);
  return { id, authId, url: `${stack.ingressUrl}${path}` };
}

const minted = () => stack.tray.calls.filter((c) => c.operation === 'generateAuthorizationCode').length;
const scheduled = (id: string) => stack.client.zscore(`${stack.store.base}:due`, id);
const state = async (id: string) => (await stack.store.get(id))?.state;
const stepKinds = async (id: string) => (await stack.store.detail(id))?.events.map((e) => e.kind) ?? [];
const dialogPath = (authId: string) => `${stack.tray.dialogUrl}/external/auth/edit/acme/${authId}`;

/** The dialog's URL carries a code the fake Tray minted for this press and accepted on this visit. */
async function expectFreshCodeFor(authId: string, url: string, mintedBefore: number) {
  const dialog = new URL(url);
  expect(`${dialog.origin}${dialog.pathname}`).toBe(dialogPath(authId));
  expect(dialog.searchParams.get('code')).toBeTruthy();
  expect(minted()).toBe(mintedBefore + 1);
  // The fake consumes a code on its first valid visit only: an ok visit means it was unused.
  // (Filtered by path: the browser also asks the dialog host for /favicon.ico.)
  expect(stack.tray.dialogVisits.filter((v) => v.path === dialog.pathname).at(-1)).toEqual({ path: dialog.pathname, ok: true });
}

/** Presses the page's one button and waits for the popup to reach the dialog. */
async function openPopup(page: Page, authId: string): Promise<Page> {
  const before = minted();
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Reconnect salesforce' }).click()]);
  await popup.waitForURL((u) => u.href.startsWith(`${dialogPath(authId)}?`));
  await popup.getByRole('heading', { name: /Tray auth dialog \(simulated\)/ }).waitFor();
  await expectFreshCodeFor(authId, popup.url(), before);
  return popup;
}

/** Clicks one of the dialog's buttons; each closes the popup after posting its event. */
async function answer(popup: Page, button: 'Finish' | 'Close' | 'Fail') {
  // The button closes its own page, which may end the click before Playwright's own bookkeeping does.
  const click = popup.getByRole('button', { name: button }).click().catch((err: Error) => {
    if (!popup.isClosed()) throw err;
  });
  await Promise.all([popup.waitForEvent('close'), click]);
}

async function withPage<T>(run: (page: Page) => Promise<T>, options?: Parameters<Browser['newContext']>[0]): Promise<T> {
  const context: BrowserContext = await browser.newContext(options);
  try {
    return await run(await context.newPage());
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  stack = await startStack({ env: { TRAY_REMINDERS: '1h,2h' } });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the landing page in a browser', () => {
  it('shows what needs reconnecting without minting a code; its button opens the dialog in a popup with a fresh code', async () => {
    const n = await notification();
    await withPage(async (page) => {
      const before = minted();
      const res = await page.goto(n.url);
      expect(res?.status()).toBe(200);
      await page.getByRole('heading', { name: 'Reconnect salesforce' }).waitFor();
      await expect(page.getByRole('listitem').allTextContents()).resolves.toEqual(['Nightly CRM sync', 'Lead import']);
      await expect(page.getByRole('button').allTextContents()).resolves.toEqual(['Reconnect salesforce']);
      expect(minted()).toBe(before);
      expect(await state(n.id)).toBe('notified');

      await openPopup(page, n.authId);
      expect(await state(n.id)).toBe('opened');
    });
  });

  it('finish completes the notification and takes it off the reminder schedule; the link, reopened or pressed on a page left open, then says it is done', async () => {
    const n = await notification();
    await withPage(async (page) => {
      const leftOpen = await page.context().newPage();
      await leftOpen.goto(n.url);
      await page.goto(n.url);
      await answer(await openPopup(page, n.authId), 'Finish');
      // The page says so only after reauth has recorded the finish.
      await page.getByRole('status').filter({ hasText: 'Reconnected. You can close this page.' }).waitFor();
      expect(await state(n.id)).toBe('completed');
      expect(await scheduled(n.id)).toBeNull();

      const before = minted();
      await leftOpen.getByRole('button', { name: 'Reconnect salesforce' }).click();
      await leftOpen.getByRole('heading', { name: 'Already reconnected' }).waitFor();
      expect(minted()).toBe(before);

      const again = await page.goto(n.url);
      expect(again?.status()).toBe(200);
      await page.getByRole('heading', { name: 'Already reconnected' }).waitFor();
      await expect(page.getByRole('button').count()).resolves.toBe(0);
    });
  });

  it('close leaves the notification open and scheduled, and the page says the window was closed', async () => {
    const n = await notification();
    await withPage(async (page) => {
      await page.goto(n.url);
      await answer(await openPopup(page, n.authId), 'Close');
      await page.getByRole('status').filter({ hasText: 'The sign-in window was closed before finishing' }).waitFor();
      await eventually('the popup-closed step', async () => (await stepKinds(n.id)).includes('popup-closed'));
      expect(await state(n.id)).toBe('opened');
      expect(await scheduled(n.id)).not.toBeNull();
    });
  });

  it('an error from the dialog leaves the notification open, records a popup-error step, and the page says it did not work', async () => {
    const n = await notification();
    await withPage(async (page) => {
      await page.goto(n.url);
      await answer(await openPopup(page, n.authId), 'Fail');
      await page.getByRole('status').filter({ hasText: 'Signing in did not work' }).waitFor();
      const step = await eventually('the popup-error step', async () => (await stack.store.detail(n.id))?.events.find((e) => e.kind === 'popup-error'));
      expect(step.detail).toBe('simulated failure');
      expect(await state(n.id)).toBe('opened');
      expect(await scheduled(n.id)).not.toBeNull();
    });
  });

  it('without JavaScript the button is a form POST answered by a 302 to the dialog with a fresh code', async () => {
    const n = await notification();
    await withPage(
      async (page) => {
        await page.goto(n.url);
        const before = minted();
        const post = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === n.url);
        await page.getByRole('button', { name: 'Reconnect salesforce' }).click();
        expect((await post).status()).toBe(302);
        await page.waitForURL((u) => u.href.startsWith(`${dialogPath(n.authId)}?`));
        await page.getByRole('heading', { name: /Tray auth dialog \(simulated\)/ }).waitFor();
        await expectFreshCodeFor(n.authId, page.url(), before);
        expect(await state(n.id)).toBe('opened');
      },
      { javaScriptEnabled: false },
    );
  });
});
