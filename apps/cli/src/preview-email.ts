import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '@reauth/config';
import { brandOf, loadEmailTemplates, type EmailContent, type RenderedEmail, type RenderOptions } from '@reauth/email';
import { headsUpEmail } from '@reauth/journeyapps';
import type { NotificationRecord } from '@reauth/notification';
import { trayEmail } from '@reauth/tray';
import { trueLayerEmail } from '@reauth/truelayer';

const DAY_MS = 86_400_000;
const link = 'https://reauth.example.com/reauth/sample-token';

interface Sample {
  content: EmailContent;
  options: RenderOptions;
}

/** A notice of a three-notice notification whose link works for `daysLeft` more days. */
const notice = (send: number, now: number, daysLeft: number) => ({ send, total: 3, link, linkExpiresAt: now + daysLeft * DAY_MS, now });
const sample = (content: EmailContent, n: ReturnType<typeof notice>): Sample => ({ content, options: { recipientName: 'Ada Lovelace', linkExpiresAt: n.linkExpiresAt, send: n.send, total: n.total } });

const tray = { context: { serviceName: 'Salesforce', authenticationName: "Ada's Salesforce", instances: [{ id: 'si-1', name: 'Salesforce nightly sync', externalId: 'sf-sync' }, { id: 'si-2', name: 'Lead routing', externalId: 'sf-leads' }] } };
const trueLayer = (now: number) => ({ context: { bank: 'Lloyds', providerId: 'ob-lloyds', consentExpiresAt: now + 14 * DAY_MS } });
const journeyApps = (now: number) => ({ context: { deployment: 'field-app', userId: 'u-1', sessionId: 's-1', lastAuthenticatedAt: new Date(now - 27 * DAY_MS).toISOString(), reason: 'age', forceAt: now + 3 * DAY_MS, notify: true } }) as unknown as NotificationRecord;

/** Every provider's kinds, each with realistic sample data (docs/templates.md lists them). */
export const previewSamples: Record<string, Record<string, (now: number) => Sample>> = {
  tray: {
    notice: (now) => sample(trayEmail(tray, notice(0, now, 14)), notice(0, now, 14)),
    reminder: (now) => sample(trayEmail(tray, notice(1, now, 11)), notice(1, now, 11)),
  },
  truelayer: {
    notice: (now) => sample(trueLayerEmail(trueLayer(now), notice(0, now, 28)), notice(0, now, 28)),
    reminder: (now) => sample(trueLayerEmail(trueLayer(now - 7 * DAY_MS), notice(1, now, 21)), notice(1, now, 21)),
  },
  journeyapps: {
    'heads-up': (now) => sample(headsUpEmail(journeyApps(now), now), notice(0, now, 33)),
  },
};

/** Renders one provider's kind with the templates and brand this environment would send with. */
export function previewEmail(env: Record<string, string | undefined>, provider: string, kind: string, now = Date.now()): RenderedEmail {
  const make = previewSamples[provider]?.[kind];
  if (!make) throw new Error(`no sample for --provider ${provider} --kind ${kind}; known: ${Object.entries(previewSamples).flatMap(([p, kinds]) => Object.keys(kinds).map((k) => `${p} ${k}`)).join(', ')}`);
  // No roles and no providers: only the values themselves are checked (TEMPLATES_DIR, BRAND_*).
  const config = loadConfig([], [], env);
  const { content, options } = make(now);
  return loadEmailTemplates({ dir: config.TEMPLATES_DIR, brand: brandOf(config) }).render(provider, content, options);
}

/** `reauth preview-email --provider p --kind k [--out file.html]`: the HTML to a file, or subject and text to stdout. */
export async function previewEmailCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { provider: { type: 'string', default: 'tray' }, kind: { type: 'string', default: 'notice' }, out: { type: 'string' } } });
  let email: RenderedEmail;
  try {
    email = previewEmail(process.env, values.provider, values.kind);
  } catch (err) {
    process.stderr.write(`reauth: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`Subject: ${email.subject}\n\n${email.text}\n`);
  if (values.out) {
    writeFileSync(values.out, email.html);
    process.stdout.write(`\nHTML written to ${values.out}\n`);
  }
  return 0;
}
