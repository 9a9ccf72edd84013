import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { brandOf } from './brand.js';
import type { EmailContent } from './layout.js';
import { loadEmailTemplates, TemplateError } from './templates.js';

const brand = brandOf({ BRAND_NAME: 'Acme', SUPPORT_URL: 'https://help.example.com/' });
const options = { linkExpiresAt: Date.UTC(2030, 0, 6), send: 1, total: 3, recipientName: 'Ada' };
const content: EmailContent = {
  kind: 'reminder',
  subject: 'Reminder: reconnect your salesforce account (5 days left)',
  intro: ['Your salesforce connection will expire soon.'],
  list: { heading: 'These integrations use it:', items: ['Nightly sync'] },
  action: { label: 'Reconnect salesforce', url: 'https://reauth.example.com/reauth/t' },
  outro: [],
};

function overrides(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reauth-templates-'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadEmailTemplates({ dir, brand });
  } catch (err) {
    if (err instanceof TemplateError) return err.problems;
    throw err;
  }
  return [];
}

describe('email templates', () => {
  it('renders the shipped templates with the provider wording and the brand', () => {
    const email = loadEmailTemplates({ brand }).render('tray', content, options);
    expect(email.subject).toBe(content.subject);
    expect(email.text).toContain('Hello Ada,\n\nYour salesforce connection will expire soon.');
    expect(email.text).toContain('Help: https://help.example.com/');
    expect(email.html).toContain('border-top: 4px solid #1a56db');
    expect(email.html).toContain('Contact Acme support');
  });

  it('takes an override from TEMPLATES_DIR, the most specific name first, the shipped one otherwise', () => {
    const dir = overrides({
      'tray.reminder.subject.hbs': '{{brand.name}}: {{subject}} (notice {{notice.number}} of {{notice.total}})',
      'html.hbs': '<p>{{greeting}} {{#each intro}}{{this}}{{/each}} <a href="{{action.url}}">{{action.label}}</a></p>',
    });
    const templates = loadEmailTemplates({ dir, brand });
    const email = templates.render('tray', content, options);
    expect(email.subject).toBe('Acme: Reminder: reconnect your salesforce account (5 days left) (notice 2 of 3)');
    expect(email.html).toBe('<p>Hello Ada, Your salesforce connection will expire soon. <a href="https://reauth.example.com/reauth/t">Reconnect salesforce</a></p>');
    // The shipped text part still applies, and another provider's kind keeps the shipped subject.
    expect(email.text).toContain('Reconnect salesforce:\n  https://reauth.example.com/reauth/t');
    expect(templates.render('truelayer', content, options).subject).toBe(content.subject);
    expect(templates.files('tray', 'reminder')).toEqual({ subject: join(dir, 'tray.reminder.subject.hbs'), text: expect.stringMatching(/templates\/text\.hbs$/), html: join(dir, 'html.hbs') });
  });

  it('refuses a broken override up front, naming its file and line', () => {
    const dir = overrides({ 'html.hbs': '<p>\n{{greeting}}\n{{#each intro}}{{this}\n</p>', 'tray.text.hbs': 'Hi\n{{shout greeting}}\n' });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(new RegExp(`^${join(dir, 'html.hbs')}:3: Parse error`)),
      expect.stringMatching(new RegExp(`^${join(dir, 'tray.text.hbs')}:2: .*unknown helper shout`)),
    ]);
  });

  it('refuses unescaped output in the HTML part', () => {
    const dir = overrides({ 'html.hbs': '<p>\n{{{greeting}}}</p>' });
    expect(problemsOf(dir)).toEqual([`${join(dir, 'html.hbs')}:2: unescaped output ({{{ }}} or {{& }}) is not allowed in the HTML part`]);
  });

  it('refuses a file whose name no lookup would use, and a directory that is not there', () => {
    expect(problemsOf(overrides({ 'tray.reminder.body.hbs': 'x' }))).toEqual([expect.stringContaining('not a template name')]);
    expect(problemsOf('/nonexistent/templates')).toEqual(['/nonexistent/templates: TEMPLATES_DIR does not exist']);
  });

  it('escapes every payload value in the HTML and keeps the subject to one line, property-based', () => {
    const hostile = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('<script>x</script>', '"><img src=x>', "'\r\nBcc: x@example.com", '{{brand.name}}'));
    const anyContent = fc.record({
      kind: fc.constantFrom('notice', 'reminder', 'heads-up'),
      subject: hostile,
      intro: fc.array(hostile, { maxLength: 3 }),
      list: fc.option(fc.record({ heading: hostile, items: fc.array(hostile, { maxLength: 3 }) }), { nil: undefined }),
      action: fc.option(fc.record({ label: hostile, url: fc.constant('https://reauth.example.com/reauth/t') }), { nil: undefined }),
      outro: fc.array(hostile, { maxLength: 2 }),
    });
    const templates = loadEmailTemplates({ brand });
    fc.assert(
      fc.property(anyContent, hostile, (c, name) => {
        const email = templates.render('tray', c as EmailContent, { ...options, recipientName: name });
        const text = email.html.replace(/<[^<>]*>/g, '');
        expect(text).not.toMatch(/[<>]/);
        // eslint-disable-next-line no-control-regex
        expect(email.subject).not.toMatch(/[\u0000-\u001f\u007f\u2028\u2029]/);
      }),
      { numRuns: 300 },
    );
  });
});
