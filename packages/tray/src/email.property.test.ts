import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { brandOf, DEFAULT_TEMPLATES_DIR, escapeHtml, headerText, loadEmailTemplates } from '@reauth/email';
import { trayEmail } from './email.js';
import type { AffectedInstance } from './payload.js';

/** Strings an attacker would send: markup, quotes, entities, header breaks, and any other code point. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='x", '&lt;b&gt;', '</p></body>', 'a\r\nBcc: victim@example.com', '\u2028\u2029', '<!--', ']]>'),
  fc.array(fc.constantFrom('<', '>', '"', "'", '&', '\r', '\n', '\t', '\u0000', 'x', ' '), { maxLength: 40 }).map((a) => a.join('')),
);
const id = fc.stringMatching(/^[\x21-\x7e]{1,60}$/);
const instance: fc.Arbitrary<AffectedInstance> = fc.record({ id: fc.constantFrom('si-1', 'si-2', 'si-3'), name: hostile, externalId: id });
const link = 'https://reauth.example.com/reauth/eyJ2IjoyfQ.c2ln';
const input = fc.record({
  serviceName: hostile,
  authenticationName: hostile,
  instances: fc.array(instance, { maxLength: 5 }),
  send: fc.nat({ max: 3 }),
  recipientName: fc.option(hostile, { nil: undefined }),
});

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

const now = Date.UTC(2030, 0, 1);

// The brand name is the operator's, but it goes through the same escaping as the payload.
const templates = loadEmailTemplates({ brand: brandOf({ BRAND_NAME: '<script>alert(1)</script> "Acme" & \'Co\'', SUPPORT_URL: 'https://help.example.com/' }) });

function render({ serviceName, authenticationName, instances, send, recipientName }: Input) {
  const record = { context: { serviceName, authenticationName, instances } };
  const content = trayEmail(record, { send, total: 3, link, linkExpiresAt: now + 5 * 86_400_000, now });
  return templates.render('tray', content, { linkExpiresAt: now + 5 * 86_400_000, send, total: 3, ...(recipientName === undefined ? {} : { recipientName }) });
}

/**
 * Every tag the shipped HTML template writes, each `{{value}}` in it standing for any text without
 * quotes or angle brackets; anything else in the HTML came from the payload.
 */
const ownTags = (readFileSync(join(DEFAULT_TEMPLATES_DIR, 'html.hbs'), 'utf8').match(/<[^<>]*>/g) ?? []).map(
  (tag) => new RegExp(`^${tag.split(/\{\{[^}]*\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^"<>]*')}$`, 'i'),
);
// eslint-disable-next-line no-control-regex
const controlOrBreak = /[\u0000-\u001f\u007f\u2028\u2029]/;

describe('Tray email in the shipped templates, property-based', () => {
  it('emits no tag but its own: payload < and > only ever appear escaped', () => {
    fc.assert(
      fc.property(input, (args) => {
        const { html } = render(args);
        const tags = html.match(/<[^<>]*>/g) ?? [];
        expect(tags.filter((tag) => !ownTags.some((own) => own.test(tag)))).toEqual([]);
        expect(html.replace(/<[^<>]*>/g, '')).not.toMatch(/[<>]/);
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps the subject and the display name to one clean line', () => {
    fc.assert(
      fc.property(input, hostile, (args, displayName) => {
        const { subject } = render(args);
        expect(subject).not.toMatch(controlOrBreak);
        expect(subject.startsWith(args.send === 0 ? 'Action needed: reconnect your ' : 'Reminder: reconnect your ')).toBe(true);
        // What the mailer puts in the To: display name.
        expect(headerText(displayName, 80)).not.toMatch(controlOrBreak);
        expect(headerText(displayName, 80).length).toBeLessThanOrEqual(80);
      }),
      { numRuns: 1_000 },
    );
  });

  it('carries the link intact, in the text and in the one href', () => {
    fc.assert(
      fc.property(input, (args) => {
        const email = render(args);
        const hrefs = [...email.html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
        expect(hrefs).toEqual([escapeHtml(link), 'https://help.example.com/']);
        expect(email.text.split('\n')).toContain(`  ${link}`);
      }),
      { numRuns: 500 },
    );
  });

  it('lets no payload text add a line to the text part', () => {
    fc.assert(
      fc.property(input, (args) => {
        const email = render(args);
        // An instance named twice (two auth slots) is listed once.
        const n = new Set(args.instances.map((i) => headerText(i.name, 120))).size;
        // greeting, blank, sentence, (unused note | list heading + items), blank, label, link, blank, expiry, blank, help.
        expect(email.text.split('\n')).toHaveLength(10 + (args.instances.length > 0 ? 1 + n : 1));
        expect(email.text).not.toMatch(/[\r\u2028\u2029]/);
      }),
      { numRuns: 1_000 },
    );
  });
});
