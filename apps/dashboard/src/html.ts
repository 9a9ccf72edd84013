/** Markup that is already safe; only `html` makes these. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolated = Html | string | number | undefined | null | false | readonly Interpolated[];

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function render(value: Interpolated): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return String(value).replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/**
 * Tagged template that escapes every interpolation unless it is itself `html`, so ids and names
 * from webhooks cannot become markup (this app cannot depend on @reauth/email's escapeHtml
 * without a new workspace link, and needs the composition anyway).
 */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i] as Interpolated) : ''), ''));
}
