import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { escapeHtml, headerText } from '@reauth/email';
import { createLinkSigner } from '@reauth/links';
import { renderReauthEmail } from './email.js';
import { createReauthLinks, type LinkMode } from './links.js';
import type { AffectedInstance, TrayJob } from './payload.js';

const signer = createLinkSigner('a-link-secret-of-at-least-32-characters', 14);
const linksFor = (mode: LinkMode) =>
  createReauthLinks({ signer, publicUrl: 'https://reauth.example.com/', dialogBaseUrl: 'https://embedded.tray.io', embeddedId: 'acme', mode });

/** Strings an attacker would send: markup, quotes, entities, header breaks, and any other code point. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='x", '&lt;b&gt;', '</p></body>', 'a\r\nBcc: victim@example.com', '\u2028\u2029', '<!--', ']]>'),
  fc.array(fc.constantFrom('<', '>', '"', "'", '&', '\r', '\n', '\t', '\u0000', 'x', ' '), { maxLength: 40 }).map((a) => a.join('')),
);
const id = fc.stringMatching(/^[\x21-\x7e]{1,60}$/);
const instance: fc.Arbitrary<AffectedInstance> = fc.record({ id: fc.constantFrom('si-1', 'si-2', 'si-3'), name: hostile, externalId: id });
const input = fc.record({
  job: fc.record({
    notificationId: id,
    receivedAt: fc.nat(),
    auth: fc.record({ authentication_name: hostile, service_name: hostile, user_id: id, authId: id, external_user_id: hostile }),
  }) as fc.Arbitrary<TrayJob>,
  instances: fc.array(instance, { maxLength: 5 }),
  mode: fc.constantFrom<LinkMode>('edit-auth', 'instance-slot'),
  recipientName: fc.option(hostile, { nil: undefined }),
});

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

function render({ job, instances, mode, recipientName }: Input) {
  const links = linksFor(mode).forNotification(job, instances);
  const email = renderReauthEmail({ auth: job.auth, instances, links, linkExpiresAt: new Date('2030-01-01T00:00:00Z'), ...(recipientName === undefined ? {} : { recipientName }) });
  return { links, email };
}

/** Every tag the renderer itself writes; anything else in the HTML came from the payload. */
const ownTags = [
  /^<!doctype html>$/,
  /^<\/?html>$/,
  /^<body style="font-family: sans-serif; line-height: 1\.5">$/,
  /^<\/body>$/,
  /^<p( style="color: #666")?>$/,
  /^<\/p>$/,
  /^<\/?(strong|ul|li)>$/,
  /^<a href="[^"<>]*">$/,
  /^<\/a>$/,
];
// eslint-disable-next-line no-control-regex
const controlOrBreak = /[\u0000-\u001f\u007f\u2028\u2029]/;

describe('renderReauthEmail, property-based', () => {
  it('emits no tag but its own: payload < and > only ever appear escaped', () => {
    fc.assert(
      fc.property(input, (args) => {
        const { html } = render(args).email;
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
        const { subject } = render(args).email;
        expect(subject).not.toMatch(controlOrBreak);
        expect(subject.startsWith('Action needed: reconnect your ')).toBe(true);
        // What the mailer puts in the To: display name.
        expect(headerText(displayName, 80)).not.toMatch(controlOrBreak);
        expect(headerText(displayName, 80).length).toBeLessThanOrEqual(80);
      }),
      { numRuns: 1_000 },
    );
  });

  it('carries every link intact, in the text and in an href, and each still verifies', () => {
    fc.assert(
      fc.property(input, (args) => {
        const { links, email } = render(args);
        const hrefs = [...email.html.matchAll(/<a href="([^"]*)">/g)].map((m) => m[1]);
        expect(hrefs).toEqual(links.map((l) => escapeHtml(l.url)));
        const textLines = email.text.split('\n');
        for (const link of links) {
          expect(textLines.some((line) => line.endsWith(` ${link.url}`))).toBe(true);
          const claims = signer.verify(link.url.slice('https://reauth.example.com/reauth/'.length));
          expect(claims).toMatchObject({ authId: args.job.auth.authId, userId: args.job.auth.user_id, notificationId: args.job.notificationId });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lets no payload text add a line to the text part', () => {
    fc.assert(
      fc.property(input, (args) => {
        const { links, email } = render(args);
        // An instance holding the auth in two slots is named once.
        const n = new Set(args.instances.map((i) => i.id)).size;
        // greeting, blank, sentence, instance block, blank, "Reconnect…", one line per link, blank, footer.
        expect(email.text.split('\n')).toHaveLength(7 + (n > 0 ? 1 + n : 1) + links.length);
        expect(email.text).not.toMatch(/[\r\u2028\u2029]/);
      }),
      { numRuns: 1_000 },
    );
  });
});
