import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, finished, startStack, type Stack } from './stack.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

function templatesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reauth-templates-'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  return dir;
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      TEMPLATES_DIR: templatesDir({
        'tray.notice.subject.hbs': '[{{brand.name}}] {{subject}}',
        'tray.text.hbs': '{{greeting}} {{#each intro}}{{this}} {{/each}}Go to {{action.url}} by {{linkExpiresOn}}.\n',
      }),
      BRAND_NAME: 'Acme Integrations',
      BRAND_COLOR: '#0f766e',
      SUPPORT_URL: 'https://help.acme.example/',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('email templates and brand in the running pipeline', () => {
  it('sends with the TEMPLATES_DIR override and the brand, and the landing page shows the same brand', async () => {
    stack.tray.addUser({ id: 'user-t', externalUserId: 'ext-t', name: 'T' });
    stack.tray.addInstance({ id: 'si-t', name: 'Nightly sync', owner: 'user-t', authValues: [{ externalId: 'slot', authId: 'auth-t' }] });
    stack.contacts.set('ext-t', { email: 'ada@customer.test', name: 'Ada' });
    const res = await stack.postWebhook({ authentication_name: 'CRM', service_name: 'salesforce', user_id: 'user-t', authId: 'auth-t', external_user_id: 'ext-t' });
    const { id } = (await res.json()) as { id: string };
    await finished(stack, 'notify', `${id}.s0`);
    const mail = await eventually('the email', async () => stack.smtp.messages.find((m) => m.to.includes('ada@customer.test')));

    expect(mail.subject).toBe('[Acme Integrations] Action needed: reconnect your salesforce account');
    expect(mail.text).toMatch(/^Hello Ada, Your salesforce connection "CRM" will expire in the next few days\. Go to http:\/\/reauth\.test\/reauth\/\S+ by \d{4}-\d{2}-\d{2}\.\s*$/);
    // The shipped HTML part, in the brand's colour.
    expect(mail.html).toContain('background-color: #0f766e');
    expect(mail.html).toContain('Contact Acme Integrations support');

    const path = /http:\/\/reauth\.test(\/reauth\/\S+?) by/.exec(mail.text)![1]!;
    const page = await (await fetch(`${stack.ingressUrl}${path}`)).text();
    expect(page).toContain('Acme Integrations');
    expect(page).toContain('background: #0f766e');
    expect(page).toContain('href="https://help.acme.example/"');
  });
});

describe('a broken template', () => {
  it('stops `reauth start` before it sends anything, naming the file and line', async () => {
    const dir = templatesDir({ 'html.hbs': '<p>\n{{#each intro}}{{this}\n</p>\n' });
    const child = spawn(process.execPath, ['--conditions=@reauth/source', '--import', 'tsx', 'apps/cli/src/main.ts', 'start', '--roles', 'notify'], {
      cwd: repo,
      env: {
        PATH: process.env.PATH,
        REDIS_URL: 'redis://127.0.0.1:1',
        SMTP_URL: 'smtp://127.0.0.1:1',
        MAIL_FROM: 'reauth <reauth@example.com>',
        LINK_SECRET: 'k'.repeat(32),
        TEMPLATES_DIR: dir,
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'html.hbs')}:2: Parse error`);
  });
});
