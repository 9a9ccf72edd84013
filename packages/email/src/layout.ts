import type { Brand } from './brand.js';
import { headerText } from './escape.js';

/**
 * What a provider says in an email. Providers hand in text, never markup: every string is treated
 * as untrusted (it may come from a webhook or a directory) and escaped or flattened by the templates.
 */
export interface EmailContent {
  /** Which of the provider's templates renders it (`notice`, `reminder`, `heads-up`; see docs/templates.md). */
  kind: string;
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
  /** Which notice of the notification this is, 0 for the first. */
  send?: number;
  /** How many notices the notification has in all. */
  total?: number;
}

/** What every template receives; docs/templates.md documents it field by field. */
export interface TemplateData {
  provider: string;
  kind: string;
  subject: string;
  greeting: string;
  recipientName: string;
  intro: string[];
  list?: { heading: string; items: string[] };
  action?: { label: string; url: string };
  outro: string[];
  expiry?: string;
  linkExpiresOn: string;
  notice: { number: number; total: number; reminder: boolean };
  brand: Brand;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The provider's content as template data, every string flattened to one line: the text part and
 * the subject are rendered without HTML escaping, so no payload value may bring its own line break.
 */
export function templateData(provider: string, content: EmailContent, options: RenderOptions, brand: Brand): TemplateData {
  const recipientName = options.recipientName ? headerText(options.recipientName, 80) : '';
  const flat = (s: string) => headerText(s, 500);
  // One instance can appear twice (two auth slots); name it once.
  const items = [...new Set((content.list?.items ?? []).map((i) => headerText(i, 120)))];
  const send = options.send ?? 0;
  return {
    provider,
    kind: content.kind,
    subject: headerText(content.subject, 160),
    greeting: recipientName ? `Hello ${recipientName},` : 'Hello,',
    recipientName,
    intro: content.intro.map(flat),
    ...(content.list && items.length > 0 ? { list: { heading: flat(content.list.heading), items } } : {}),
    ...(content.action ? { action: { label: headerText(content.action.label, 120), url: content.action.url } } : {}),
    outro: content.outro.map(flat),
    ...(content.action ? { expiry: `The link works until ${day(options.linkExpiresAt)}. If you did not expect this email, you can ignore it.` } : {}),
    linkExpiresOn: day(options.linkExpiresAt),
    notice: { number: send + 1, total: Math.max(options.total ?? 1, send + 1), reminder: send > 0 },
    brand: { ...brand, ...(brand.name ? { name: headerText(brand.name, 80) } : {}) },
  };
}
