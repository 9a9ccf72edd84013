import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Brand } from './brand.js';
import { headerText } from './escape.js';
import { templateData, type EmailContent, type RenderedEmail, type RenderOptions } from './layout.js';

const parts = ['subject', 'text', 'html'] as const;
type Part = (typeof parts)[number];

/** `[provider.[kind.]]part.hbs`: anything else in TEMPLATES_DIR is a typo that would be silently ignored. */
const templateName = /^(?:[a-z0-9-]+\.){0,2}(subject|text|html)\.hbs$/;

/**
 * The shipped templates: beside the sources, or in dist/templates beside the bundle (apps/cli/build.mjs
 * copies them there), whichever this module runs from.
 */
export const DEFAULT_TEMPLATES_DIR =
  [new URL('../templates/', import.meta.url), new URL('./templates/', import.meta.url)].map((u) => fileURLToPath(u)).find((dir) => existsSync(join(dir, 'html.hbs'))) ??
  fileURLToPath(new URL('../templates/', import.meta.url));

/** Every broken template, each with its file and line, so one start reports them all. */
export class TemplateError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid email templates:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface EmailRenderer {
  /** The template files in use, most specific first, for a provider's kind. */
  files(provider: string, kind: string): Record<Part, string>;
  render(provider: string, content: EmailContent, options: RenderOptions): RenderedEmail;
}

interface Compiled {
  file: string;
  run: HandlebarsTemplateDelegate;
}

/**
 * Loads and compiles every template up front (a syntax error or an unknown helper stops the
 * process with file and line, not the first send). A file in `dir` (TEMPLATES_DIR) replaces the shipped
 * one of the same name; per part, `provider.kind.part.hbs` wins over `provider.part.hbs` over
 * `part.hbs`, and at each step the override directory over the shipped one.
 */
export function loadEmailTemplates(options: { dir?: string | undefined; brand: Brand }): EmailRenderer {
  // An environment of its own: no helper or partial registered elsewhere leaks into the templates.
  const hb = Handlebars.create();
  const problems: string[] = [];
  const compiled = new Map<string, Compiled>();
  const dirs = options.dir ? [options.dir, DEFAULT_TEMPLATES_DIR] : [DEFAULT_TEMPLATES_DIR];
  if (options.dir && !existsSync(options.dir)) throw new TemplateError([`${options.dir}: TEMPLATES_DIR does not exist`]);

  for (const dir of [...dirs].reverse()) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.hbs')).sort()) {
      const file = join(dir, name);
      const match = templateName.exec(name);
      if (!match) {
        problems.push(`${file}: not a template name (expected [provider.[kind.]]subject|text|html.hbs)`);
        continue;
      }
      // Only the HTML part is markup; the subject and the text part are plain text, escaped by nothing.
      const compileOptions = { knownHelpersOnly: true, noEscape: match[1] !== 'html' };
      const source = readFileSync(file, 'utf8');
      // `{{{x}}}` and `{{& x}}` skip escaping: in the HTML part they would let a webhook's text into the markup.
      const raw = match[1] === 'html' ? /\{\{~?\s*(\{|&)/.exec(source) : null;
      if (raw) {
        problems.push(`${file}:${source.slice(0, raw.index).split('\n').length}: unescaped output ({{{ }}} or {{& }}) is not allowed in the HTML part`);
        continue;
      }
      try {
        // compile() defers its work to the first render; precompile() reports the errors now.
        hb.precompile(source, compileOptions);
        compiled.set(name, { file, run: hb.compile(source, compileOptions) });
      } catch (err) {
        const e = err as Error & { lineNumber?: number };
        const line = e.lineNumber ?? /line (\d+)/.exec(e.message)?.[1];
        problems.push(`${file}${line ? `:${line}` : ''}: ${e.message.replace(/\s+/g, ' ').trim()}`);
      }
    }
  }
  if (problems.length > 0) throw new TemplateError(problems);

  const pick = (provider: string, kind: string, part: Part): Compiled => {
    // The generic part is checked below, so the lookup always ends in a template.
    const found = [`${provider}.${kind}.${part}.hbs`, `${provider}.${part}.hbs`, `${part}.hbs`].map((n) => compiled.get(n)).find(Boolean);
    return found!;
  };
  const missing = parts.filter((part) => !compiled.has(`${part}.hbs`));
  if (missing.length > 0) throw new TemplateError(missing.map((part) => `${part}.hbs: missing from ${dirs.join(' and ')}`));

  return {
    files: (provider, kind) => Object.fromEntries(parts.map((part) => [part, pick(provider, kind, part).file])) as Record<Part, string>,
    render(provider, content, renderOptions) {
      const data = templateData(provider, content, renderOptions, options.brand);
      const run = (part: Part) => pick(provider, content.kind, part).run(data);
      return {
        subject: headerText(run('subject'), 160),
        text: run('text').replace(/\s+$/, ''),
        html: run('html'),
      };
    },
  };
}
