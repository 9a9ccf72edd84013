import { parseConfig, roles as allRoles } from '@reauth/config';
import { createLogger, type Logger } from '@reauth/logger';
import { startLocalWorld, type CapturedMail } from '@reauth/testkit';
import { providerSwitches } from '@reauth/worker';
import { startEventsSample } from './demo-events.js';
import { startJourneyAppsSample } from './demo-journeyapps.js';
import { startTrueLayerSample } from './demo-truelayer.js';
import { formatReport, sweepNow } from './journeyapps.js';
import type { SweepReport } from '@reauth/journeyapps';
import { runRoles } from './process.js';
import { onShutdown } from './shutdown.js';

export interface DemoOptions {
  /** Print for a person and keep running until Ctrl-C; tests pass false and call stop(). */
  interactive: boolean;
  port?: number;
  log?: Logger;
}

export interface Demo {
  ingressUrl: string;
  email: CapturedMail;
  link: string;
  truelayer: { email: CapturedMail; link: string };
  journeyapps: { report: SweepReport; reauthenticated: number };
  stop(): Promise<void>;
}

const sample = {
  authentication_name: "Ada's Salesforce",
  service_name: 'salesforce',
  user_id: '8c0227d7-0181-4b4b-9955-354a63edcae2',
  authId: 'bd90582e-ac50-4bb6-aeb6-2f0175408b69',
  external_user_id: '8cddbba1-0de6-4723-a8e3-6a2a3cdd0ef9',
};

const linkIn = (text: string) => /http:\/\/localhost:\d+\/reauth\/[A-Za-z0-9_.-]+/.exec(text)?.[0];

/**
 * The whole path on one machine: embedded Redis, simulated Tray (rate limits on, two pages of
 * instances), a contacts directory, an SMTP capture; one sample webhook through every stage.
 * Then TrueLayer: a signed consent from a simulated customer backend, its notice, and its link
 * through the simulated bank back to that backend, which posts the renewal. Then JourneyApps: one
 * sweep of a simulated deployment, and its report.
 */
export async function runDemo(options: DemoOptions): Promise<Demo> {
  const log = options.log ?? createLogger({ name: 'reauth-demo', level: process.env.LOG_LEVEL ?? 'warn' });
  const world = await startLocalWorld({ tray: { embeddedId: 'acme-demo' } });
  const { tray, smtp } = world;
  world.contacts.set(sample.external_user_id, { email: 'ada@example.com', name: 'Ada Lovelace' });

  tray.addUser({ id: sample.user_id, externalUserId: sample.external_user_id, name: 'Ada Lovelace' });
  tray.addInstance({ id: 'si-1', name: 'Leads to Slack', owner: sample.user_id, authValues: [{ externalId: 'external_slack_auth', authId: 'other-auth' }] });
  tray.addInstance({ id: 'si-2', name: 'Salesforce nightly sync', owner: sample.user_id, authValues: [{ externalId: 'external_salesforce_auth', authId: sample.authId }] });
  tray.addInstance({ id: 'si-3', name: 'Opportunities to Sheets', owner: sample.user_id, authValues: [{ externalId: 'external_sf', authId: sample.authId }] });

  const trueLayer = await startTrueLayerSample();
  const journeyApps = await startJourneyAppsSample();
  const events = await startEventsSample();
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const env = {
    ...world.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    // Two instances per page, so the match on page two is found too.
    TRAY_PAGE_SIZE: '2',
    MAIL_FROM: 'reauth demo <reauth@localhost>',
    JOB_BACKOFF_MS: '200',
    ...trueLayer.env,
    ...journeyApps.env,
    ...events.env,
  };
  const roles = allRoles.filter((r) => r !== 'dashboard');
  const config = parseConfig(env, roles, providerSwitches);
  const running = await runRoles(config, roles, log, env);
  const ingressUrl = `http://localhost:${port}`;

  const stop = async () => {
    await running.stop();
    await trueLayer.close();
    await journeyApps.close();
    await events.close();
    await world.stop();
  };

  const response = await fetch(`${ingressUrl}/webhooks/tray/expired-auth?token=${world.secrets.webhookToken}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sample),
  });
  const accepted = await response.text();
  const [email] = await smtp.waitFor(1, 30_000);
  if (!email) throw new Error('demo: no email arrived');
  const link = linkIn(email.text);
  if (!link) throw new Error('demo: the email carries no re-auth link');

  const consentAnswer = await trueLayer.postConsent(ingressUrl);
  const trueLayerEmail = (await smtp.waitFor(2, 30_000)).find((m) => m.to.includes('grace@example.com'));
  const trueLayerLink = trueLayerEmail && linkIn(trueLayerEmail.text);
  if (!trueLayerEmail || !trueLayerLink) throw new Error('demo: no TrueLayer email with a link arrived');

  const [report] = await sweepNow(config, env, { dryRun: false, log });
  if (!report) throw new Error('demo: the JourneyApps sweep gave no report');
  // The sweep queues the force jobs; the running force workers make the calls.
  const deadline = Date.now() + 30_000;
  while (journeyApps.fake.reauthenticated.length < report.forced && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const reauthenticated = journeyApps.fake.reauthenticated.length;
  while (!events.counts()['sweep.completed'] && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

  if (options.interactive) {
    const line = '-'.repeat(72);
    process.stdout.write(
      [
        `reauth demo: webhook POSTed -> ${response.status} ${accepted}`,
        `email received by the local SMTP capture:`,
        line,
        `From: ${String((email.headers.get('from') as { text?: string } | undefined)?.text ?? email.from)}`,
        `To: ${email.to.join(', ')}`,
        `Subject: ${email.subject}`,
        `Message-ID: ${email.messageId ?? ''}`,
        '',
        email.text.trim(),
        line,
        `Open the link: the landing page mints nothing; its button mints a fresh Tray code and opens the`,
        `(simulated) Tray auth dialog, whose "Finish" completes the notification:`,
        `  ${link}`,
        '',
        `TrueLayer: the customer's backend POSTed a signed consent -> ${consentAnswer}`,
        line,
        `To: ${trueLayerEmail.to.join(', ')}`,
        `Subject: ${trueLayerEmail.subject}`,
        '',
        trueLayerEmail.text.trim(),
        line,
        `Open this link: its button asks the (simulated) TrueLayer for a bank link, the bank sends you back`,
        `to the customer's redirect handler, which posts the renewed consent and reauth completes it:`,
        `  ${trueLayerLink}`,
        '',
        `JourneyApps: one sweep of the simulated deployment (30 app users):`,
        line,
        ...formatReport(report),
        line,
        `The simulated Backend API received ${reauthenticated} re-authenticate calls.`,
        '',
        `Lifecycle events the simulated customer backend received, each signature verified (more follow as you click):`,
        ...Object.entries(events.counts()).map(([type, count]) => `  ${type}: ${count}`),
        `Running until Ctrl-C.`,
        '',
      ].join('\n'),
    );
    onShutdown(log, stop);
  }
  return { ingressUrl, email, link, truelayer: { email: trueLayerEmail, link: trueLayerLink }, journeyapps: { report, reauthenticated }, stop };
}
