import { escapeHtml, headerText } from './escape.js';

/**
 * What a provider says in an email. Providers hand in text, never markup: every string is treated
 * as untrusted (it may come from a webhook or a directory) and escaped or flattened here.
 */
export interface EmailContent {
  subject: string;
  /** Paragraphs before the list. */
  intro: string[];
  /** A short list (affected integrations), with the sentence that introduces it. */
  list?: { heading: string; items: string[] };
  /** The one button; a heads-up that asks nothing of the reader (JourneyApps) has none, and no expiry line. */
  action?: { label: string; url: string };
  /** Paragraphs after the button. */
  outro: string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  recipientName?: string;
  /** The link's own expiry, as the signer returned it. */
  linkExpiresAt: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The one layout every provider's email uses: greeting, intro, list, one button, expiry line. */
export function renderEmail(content: EmailContent, options: RenderOptions): RenderedEmail {
  const name = options.recipientName ? headerText(options.recipientName, 80) : '';
  const greeting = name ? `Hello ${name},` : 'Hello,';
  const flat = (s: string) => headerText(s, 500);
  // One instance can appear twice (two auth slots); name it once.
  const items = [...new Set((content.list?.items ?? []).map((i) => headerText(i, 120)))];
  const expiry = `The link works until ${day(options.linkExpiresAt)}. If you did not expect this email, you can ignore it.`;
  const action = content.action && { label: headerText(content.action.label, 120), url: content.action.url };

  const text = [
    greeting,
    '',
    ...content.intro.map(flat),
    ...(content.list && items.length > 0 ? [flat(content.list.heading), ...items.map((i) => `  - ${i}`)] : []),
    '',
    ...(action ? [`${action.label}:`, `  ${action.url}`, ''] : []),
    ...content.outro.map(flat),
    ...(action ? [expiry] : []),
  ].join('\n');

  const h = escapeHtml;
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>${h(greeting)}</p>
${content.intro.map((p) => `<p>${h(flat(p))}</p>`).join('\n')}
${content.list && items.length > 0 ? `<p>${h(flat(content.list.heading))}</p>\n<ul>${items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>` : ''}
${action ? `<p><a href="${h(action.url)}">${h(action.label)}</a></p>` : ''}
${content.outro.map((p) => `<p>${h(flat(p))}</p>`).join('\n')}
${action ? `<p style="color: #666">${h(expiry)}</p>` : ''}
</body></html>`;

  return { subject: headerText(content.subject, 160), text, html };
}
