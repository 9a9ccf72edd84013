/**
 * P2's email ceiling: nodemailer with the same pool settings as reauth's mailer, sending one
 * pre-rendered reauth-sized email to N recipients, 50 in flight (notify's concurrency), on the
 * bench's "go". Env: SMTP_URL, MAIL_COUNT.
 */
import { nodemailer } from '../lib/vendor.js';
import { brandOf, loadEmailTemplates, trayEmail } from '../lib/workspace.js';

const count = Number(process.env.MAIL_COUNT);
const transport = nodemailer.createTransport({ url: process.env.SMTP_URL, pool: true, maxConnections: 5, maxMessages: 1_000 } as Parameters<
  typeof nodemailer.createTransport
>[0]);
const now = Date.now();
const record = { context: { serviceName: 'salesforce', authenticationName: "Ada's Salesforce", instances: [{ id: 'si-1', name: 'Salesforce nightly sync', externalId: 'external_salesforce_0' }] } };
const email = loadEmailTemplates({ brand: brandOf({}) }).render(
  'tray',
  trayEmail(record, { send: 0, total: 3, link: `https://reauth.example.com/reauth/${'x'.repeat(120)}`, linkExpiresAt: now + 14 * 86_400_000, now }),
  { linkExpiresAt: now + 14 * 86_400_000, recipientName: 'Ada Lovelace' },
);

async function sendAll(): Promise<void> {
  let nextIndex = 0;
  const lane = async () => {
    for (let i = nextIndex++; i < count; i = nextIndex++) {
      await transport.sendMail({
        from: 'reauth bench <reauth@bench.test>',
        to: { name: 'Bench User', address: `user${i % 2_000}@bench.test` },
        messageId: `<baseline-${i}@bench>`,
        ...email,
      });
    }
  };
  await Promise.all(Array.from({ length: 50 }, lane));
}

process.on('message', (msg: { go?: boolean }) => {
  if (msg.go) void sendAll().then(() => process.send?.({ done: true }));
});
process.on('SIGTERM', () => {
  transport.close();
  process.exit(0);
});
process.send?.({ ready: true });
