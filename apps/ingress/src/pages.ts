import { escapeHtml } from '@reauth/email';

/** A plain page for people who clicked a link: never a stack trace, never a redirect on failure. */
export function messagePage(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 4rem auto; line-height: 1.5">
<h1 style="font-size: 1.4rem">${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
}
