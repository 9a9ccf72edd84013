import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext } from 'playwright-core';
import { eventually, startLocalWorld, waitForReady, type LocalWorld, launchChromium } from '@reauth/testkit';
import { freePort } from '@reauth/redis';

/**
 * The dashboard as an admin sees it: reauth runs as a real `reauth start` process (every role),
 * a notification dead-letters for want of a contact, and headless Chromium (Debian's `chromium`,
 * driven by playwright-core) logs in, finds it in Bull Board and in the history, and replays it.
 * UPDATE_SCREENSHOT=1 also writes docs/dashboard.png and docs/dashboard-history.png.
 */
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const password = `pw-${randomBytes(12).toString('hex')}`;
const auth = { authentication_name: "Ada's Salesforce", service_name: 'salesforce', user_id: 'user-ada', authId: 'auth-ada-salesforce', external_user_id: 'ext-ada' };

let world: LocalWorld;
let reauth: ChildProcess;
let browser: Browser;
const urls: { ingress?: string; dashboard?: string } = {};
const output: string[] = [];


const api = (path: string, init: RequestInit = {}) =>
  fetch(`${urls.dashboard}${path}`, { ...init, headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`, ...init.headers } });

beforeAll(async () => {

  world = await startLocalWorld();
  const { tray } = world;
  tray.addUser({ id: auth.user_id, externalUserId: auth.external_user_id, name: 'Ada' });
  tray.addInstance({ id: 'si-1', name: 'Nightly CRM sync', owner: auth.user_id, authValues: [{ externalId: 'crm', authId: auth.authId }] });

  const [port, adminPort] = await Promise.all([freePort(), freePort()]);
  urls.ingress = `http://127.0.0.1:${port}`;
  urls.dashboard = `http://127.0.0.1:${adminPort}`;
  reauth = spawn(process.execPath, ['--conditions=@reauth/source', '--import', 'tsx', 'apps/cli/src/main.ts', 'start', '--roles', 'ingress,token-lookup,instance-mapping,notify,dashboard'], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...world.env,
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      ADMIN_PASSWORD: password,
      JOB_BACKOFF_MS: '50',
    },
  });
  createInterface({ input: reauth.stdout! }).on('line', (line) => output.push(line));
  createInterface({ input: reauth.stderr! }).on('line', (line) => output.push(line));
  // Both answer from one process-wide readiness: Redis ready and every worker running.
  await Promise.all([waitForReady(`${urls.ingress}/readyz`, 30_000), waitForReady(`${urls.dashboard}/readyz`, 30_000)]);

  const res = await fetch(`${urls.ingress}/webhooks/tray/expired-auth?token=${world.secrets.webhookToken}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(auth) });
  expect(res.status).toBe(200);
  // No contact for Ada yet: the notify stage fails for good and the job is dead-lettered.
  await eventually('the dead-letter entry', async () => ((await (await api('/api/dead-letter')).json()) as { items: unknown[] }).items.length === 1);

  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (reauth && reauth.exitCode === null) {
    const exited = new Promise((r) => reauth.once('exit', r));
    reauth.kill('SIGTERM');
    await exited;
  }
  await world?.stop();
});

describe('the dashboard in a browser', () => {
  it('answers 401 without credentials', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // Headless Chromium has nobody to ask for a password: a top-level 401 challenge fails the navigation.
      await expect(page.goto(`${urls.dashboard}/queues`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      // From a page of the same origin (the open health probe), the browser's own requests get the 401
      // itself; `omit` keeps Chromium from holding them for a login prompt nobody answers.
      const probe = await context.newPage();
      await probe.goto(`${urls.dashboard}/healthz`);
      const answers = await probe.evaluate(async () =>
        Promise.all(['/queues', '/queues/api/queues', '/notifications', '/api/dead-letter'].map(async (path) => {
          const res = await fetch(path, { credentials: 'omit' });
          return { path, status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.text() };
        })),
      );
      for (const answer of answers) expect(answer).toEqual({ path: answer.path, status: 401, challenge: 'Basic realm="reauth admin", charset="UTF-8"', body: '{"error":"authentication required"}' });
    } finally {
      await context.close();
    }
  });

  it('shows every queue, opens the dead-lettered job, replays it, and shows the timeline', async () => {
    const context: BrowserContext = await browser.newContext({ httpCredentials: { username: 'admin', password }, viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${urls.dashboard}/queues`);
      for (const queue of ['token-lookup', 'instance-mapping', 'notify', 'reminders', 'dead-letter']) {
        await page.getByRole('link', { name: queue, exact: false }).first().waitFor();
      }

      // From the history list to the notification's timeline, and from there to its job in Bull Board.
      await page.goto(`${urls.dashboard}/notifications`);
      const row = page.locator('tr', { hasText: auth.authId });
      await expect(row.locator('.status').textContent()).resolves.toBe('failed');
      await row.getByRole('link', { name: 'timeline' }).click();
      await page.getByRole('link', { name: 'dead-letter' }).click();
      await page.waitForURL(/\/queues\/queue\/dead-letter\/notify\./);
      await page.getByText(/notification\.send · tray-/).first().waitFor();
      await page.getByText('no contact found for the external user id').first().waitFor();
      if (process.env.UPDATE_SCREENSHOT === '1') {
        mkdirSync(join(repo, 'docs'), { recursive: true });
        await page.screenshot({ path: join(repo, 'docs', 'dashboard.png') });
      }

      // Ada's contact exists now; replay from the timeline.
      world.contacts.set(auth.external_user_id, { email: 'ada@customer.test', name: 'Ada' });
      await page.goBack();
      await page.getByRole('button', { name: 'Replay' }).click();
      await page.waitForURL(/\/notifications\/tray-/);
      const [mail] = await world.smtp.waitFor(1, 20_000);
      expect(mail?.to).toEqual(['ada@customer.test']);

      const steps = await eventually('the replayed notification to be sent', async () => {
        await page.reload();
        const kinds = await page.locator('table.timeline tbody tr td:nth-child(2)').allTextContents();
        return kinds.includes('email-sent') ? kinds : undefined;
      });
      expect(steps).toEqual(['received', 'step', 'step', 'dead-lettered', 'replayed', 'email-sent']);
      await expect(page.locator('h1 .status').textContent()).resolves.toBe('notified');
      await expect(page.getByRole('button', { name: 'Replay' }).count()).resolves.toBe(0);
      if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: join(repo, 'docs', 'dashboard-history.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);
});
