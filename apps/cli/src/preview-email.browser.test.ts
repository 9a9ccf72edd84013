import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@reauth/testkit';
import { previewEmail, previewSamples } from './preview-email.js';

/**
 * Each provider's email as `reauth preview-email` renders it, opened in Debian's Chromium: the
 * layout holds at a phone's width and a desktop's, and the button is the link. UPDATE_SCREENSHOT=1
 * also writes docs/email-<provider>.png.
 */
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const env = { BRAND_NAME: 'Acme Integrations', BRAND_COLOR: '#0f766e', SUPPORT_URL: 'https://help.acme.example/' };
const now = Date.UTC(2026, 11, 3, 9);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('preview-email in Chromium', () => {
  for (const [provider, kinds] of Object.entries(previewSamples)) {
    const kind = Object.keys(kinds)[0]!;
    it(`lays out ${provider}'s ${kind} email`, async () => {
      const email = previewEmail(env, provider, kind, now);
      const page = await browser.newPage({ viewport: { width: 720, height: 640 } });
      try {
        await page.setContent(email.html);
        await page.getByText('Acme Integrations', { exact: true }).waitFor();
        const action = await page.locator('a[style*="display: inline-block"]').count();
        expect(action).toBe(provider === 'journeyapps' ? 0 : 1);
        if (action > 0) await expect(page.locator('a[style*="display: inline-block"]').getAttribute('href')).resolves.toBe('https://reauth.example.com/reauth/sample-token');
        if (process.env.UPDATE_SCREENSHOT === '1') {
          mkdirSync(join(repo, 'docs'), { recursive: true });
          await page.screenshot({ path: join(repo, 'docs', `email-${provider}.png`), fullPage: true });
        }
        // At a phone's width the card shrinks instead of scrolling sideways.
        await page.setViewportSize({ width: 360, height: 640 });
        await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(360);
      } finally {
        await page.close();
      }
    });
  }
});
