import { escapeHtml, headerText } from '@reauth/email';
import type { ReauthLink } from './links.js';
import type { AffectedInstance, TrayExpiredAuth } from './payload.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface ReauthEmailInput {
  auth: TrayExpiredAuth;
  instances: AffectedInstance[];
  links: ReauthLink[];
  linkExpiresAt: Date;
  recipientName?: string;
}

/**
 * Everything that came from the webhook or the directory is untrusted: HTML-escaped in the HTML
 * part, flattened to one line where it could be mistaken for structure in the text part.
 */
export function renderReauthEmail(input: ReauthEmailInput): RenderedEmail {
  const service = headerText(input.auth.service_name, 60);
  const authName = headerText(input.auth.authentication_name, 120);
  const greetingName = input.recipientName ? headerText(input.recipientName, 80) : '';
  const greeting = greetingName ? `Hello ${greetingName},` : 'Hello,';
  const expires = input.linkExpiresAt.toISOString().slice(0, 10);
  // One instance can hold the auth in two slots; name it once.
  const instanceNames = [...new Map(input.instances.map((i) => [i.id, headerText(i.name, 120)])).values()];

  const subject = `Action needed: reconnect your ${service} account`;

  const text = [
    greeting,
    '',
    `Your ${service} connection${authName ? ` "${authName}"` : ''} will expire in the next few days.`,
    instanceNames.length > 0
      ? `These integrations use it and will stop working until you reconnect:\n${instanceNames.map((n) => `  - ${n}`).join('\n')}`
      : 'No integration uses it at the moment, but reconnecting keeps it ready.',
    '',
    input.links.length === 1 ? 'Reconnect it here:' : 'Reconnect each integration here:',
    ...input.links.map((l) => (input.links.length === 1 ? `  ${l.url}` : `  ${headerText(l.label, 120)}: ${l.url}`)),
    '',
    `The link works until ${expires}. If you did not expect this email, you can ignore it.`,
  ].join('\n');

  const h = escapeHtml;
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>${h(greeting)}</p>
<p>Your <strong>${h(service)}</strong> connection${authName ? ` &ldquo;${h(authName)}&rdquo;` : ''} will expire in the next few days.</p>
${
  instanceNames.length > 0
    ? `<p>These integrations use it and will stop working until you reconnect:</p>\n<ul>${instanceNames.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`
    : '<p>No integration uses it at the moment, but reconnecting keeps it ready.</p>'
}
${input.links.map((l) => `<p><a href="${h(l.url)}">Reconnect ${h(headerText(l.label, 120))}</a></p>`).join('\n')}
<p style="color: #666">The link works until ${h(expires)}. If you did not expect this email, you can ignore it.</p>
</body></html>`;

  return { subject, text, html };
}
