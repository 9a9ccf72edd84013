/**
 * The simulated Tray for local development (the `fake-tray` service of compose.dev.yml): the
 * testkit's fake Tray GraphQL API and auth dialog on a fixed port, seeded with one user whose
 * expiring auth two instances use, plus the webhook to send for it. It reads the same environment
 * as the ingress, so the master token and Embedded ID match what the app is configured with.
 *
 *   node --conditions=@reauth/source --import tsx apps/cli/src/dev-fakes.ts [--host 0.0.0.0] [--port 4100]
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '@reauth/config';
import { createLogger } from '@reauth/logger';
import { startFakeTray } from '@reauth/testkit';
import { traySettingsSchema } from '@reauth/tray';
import { providerSwitches } from '@reauth/worker';
import { onShutdown } from './shutdown.js';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '4100' } } });
const config = loadConfig(['ingress'], providerSwitches);
const tray = traySettingsSchema.required({ WEBHOOK_TOKEN: true }).parse(process.env);
const log = createLogger({ name: 'reauth-dev-fakes' });

// With no contacts source configured, an external user id that is an email is the recipient.
const sample = {
  authentication_name: 'Salesforce (Ada Lovelace)',
  service_name: 'salesforce',
  user_id: 'dev-user-ada',
  authId: 'dev-auth-salesforce',
  external_user_id: 'ada@example.com',
};

const fake = await startFakeTray({
  masterToken: tray.TRAY_MASTER_TOKEN,
  embeddedId: tray.TRAY_EMBEDDED_ID,
  host: values.host,
  port: Number(values.port),
});
fake.addUser({ id: sample.user_id, externalUserId: sample.external_user_id, name: 'Ada Lovelace' });
fake.addInstance({ id: 'dev-si-1', name: 'Salesforce nightly sync', owner: sample.user_id, authValues: [{ externalId: 'external_salesforce_auth', authId: sample.authId }] });
fake.addInstance({ id: 'dev-si-2', name: 'Opportunities to Sheets', owner: sample.user_id, authValues: [{ externalId: 'external_sf', authId: sample.authId }] });
fake.addInstance({ id: 'dev-si-3', name: 'Leads to Slack', owner: sample.user_id, authValues: [{ externalId: 'external_slack_auth', authId: 'dev-auth-slack' }] });

const webhook = `${config.PUBLIC_URL.replace(/\/+$/, '')}/webhooks/tray/expired-auth?token=${tray.WEBHOOK_TOKEN}`;
log.info({ host: values.host, port: Number(values.port) }, 'simulated Tray listening');
process.stdout.write(`send the sample expired-auth webhook with:\n  curl -X POST '${webhook}' -H 'content-type: application/json' -d '${JSON.stringify(sample)}'\n`);
onShutdown(log, () => fake.close());
