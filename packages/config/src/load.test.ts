import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig, type ProviderSwitch } from './load.js';
import { parseRoles } from './roles.js';
import { redisTarget } from './derived.js';
import { envSchema } from './schema.js';

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

/** A provider like Tray: on when its token or id is set, then both (and, for the ingress, a webhook token) are required. */
const tray: ProviderSwitch = {
  id: 'tray',
  switches: ['TRAY_MASTER_TOKEN', 'TRAY_EMBEDDED_ID'],
  settings: envSchema.pick({ TRAY_MASTER_TOKEN: true, TRAY_EMBEDDED_ID: true }).required(),
  requiredByRole: { ingress: ['WEBHOOK_TOKEN'] },
};

describe('config', () => {
  it('lists every problem at once, naming the roles and providers that need each variable', () => {
    const found = problems(() => parseConfig({ PORT: 'eighty', TRAY_REGION: 'mars', LINK_SECRET: 'short', TRAY_MASTER_TOKEN: 'm' }, ['ingress', 'notify'], [tray]));
    expect(found).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^TRAY_REGION: /),
      'LINK_SECRET: use at least 32 random characters',
      'SMTP_URL: required by role(s) notify',
      'MAIL_FROM: required by role(s) notify',
      'TRAY_EMBEDDED_ID: required by provider tray',
      'WEBHOOK_TOKEN: required by provider tray for role ingress',
    ]);
  });

  it('switches a provider off when none of its settings is set, and asks nothing of it then', () => {
    const off = parseConfig({ LINK_SECRET: 'k'.repeat(32) }, ['ingress'], [tray]);
    expect(off.providers).toEqual([]);
    const on = parseConfig({ LINK_SECRET: 'k'.repeat(32), TRAY_MASTER_TOKEN: 'm', TRAY_EMBEDDED_ID: 'acme', WEBHOOK_TOKEN: 'w'.repeat(16) }, ['ingress'], [tray]);
    expect(on.providers).toEqual(['tray']);
  });

  it('requires only what the selected roles use, and treats empty strings as unset', () => {
    const config = parseConfig({ LINK_SECRET: 'k'.repeat(32), SMTP_URL: '' }, ['token-lookup'], [tray]);
    expect(config.DEDUPE_WINDOW_HOURS).toBe(72);
    expect(config.NOTIFY_UNUSED_AUTHS).toBe(false);
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('parses reminder settings: offsets, sending hours and a time zone', () => {
    const config = parseConfig({ TRAY_REMINDERS: '2s,1h', REMINDER_HOURS: '09-18', REMINDER_TIMEZONE: 'Europe/London' }, [], []);
    expect([config.TRAY_REMINDERS, config.REMINDER_HOURS, config.REMINDER_TIMEZONE]).toEqual([[2_000, 3_600_000], { from: 9, to: 18 }, 'Europe/London']);
    expect(problems(() => parseConfig({ TRAY_REMINDERS: '3 days', REMINDER_HOURS: '18-09', REMINDER_TIMEZONE: 'Mars/Olympus' }, [], []))).toEqual([
      expect.stringMatching(/^TRAY_REMINDERS: "3 days" is not a duration/),
      'REMINDER_HOURS: expected HH-HH with the first hour before the second, e.g. 09-18',
      'REMINDER_TIMEZONE: not an IANA time zone',
    ]);
  });

  it('refuses a production dashboard without a password', () => {
    expect(problems(() => parseConfig({ NODE_ENV: 'production' }, ['dashboard'], []))).toEqual([
      'ADMIN_PASSWORD: required in production: the dashboard refuses to run open',
    ]);
  });

  it('checks CONTACTS_URL is a template and rejects conflicting settings', () => {
    expect(problems(() => parseConfig({ CONTACTS_URL: 'https://crm.test/users' }, [], []))).toEqual(['CONTACTS_URL: must contain {external_user_id}']);
    expect(problems(() => parseConfig({ CONTACTS_URL: 'https://crm.test/u/{external_user_id}', CONTACTS_FILE: 'c.json' }, [], []))).toEqual([
      'CONTACTS_FILE: set CONTACTS_URL or CONTACTS_FILE, not both',
    ]);
  });

  it('gives Cluster connections REDIS_USERNAME, REDIS_PASSWORD and TLS, and refuses them beside a single-node URL', () => {
    const nodes = { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' };
    expect(redisTarget(parseConfig(nodes, [], []))).toEqual({ clusterNodes: ['10.0.0.1:7000', '10.0.0.2:7000'] });
    expect(redisTarget(parseConfig({ ...nodes, REDIS_USERNAME: 'reauth', REDIS_PASSWORD: 'pw', REDIS_TLS: 'true' }, [], []))).toEqual({
      clusterNodes: ['10.0.0.1:7000', '10.0.0.2:7000'],
      username: 'reauth',
      password: 'pw',
      tls: {},
    });
    const ca = new URL('../../../.env.example', import.meta.url).pathname;
    expect(redisTarget(parseConfig({ ...nodes, REDIS_TLS_CA_FILE: ca }, [], []))).toMatchObject({ tls: { ca: expect.stringContaining('REDIS_URL') } });
    expect(problems(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PASSWORD: 'pw' }, [], []))).toEqual([
      'REDIS_PASSWORD: applies to REDIS_CLUSTER_NODES; a single node takes it in REDIS_URL (rediss://user:password@host:port)',
    ]);
    expect(problems(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS: 'false' }, [], []))).toEqual([]);
  });

  it('parses role lists', () => {
    expect(parseRoles(undefined)).toEqual(['ingress', 'token-lookup', 'instance-mapping', 'notify', 'reminders', 'journeyapps-sweep', 'journeyapps-force', 'events', 'dashboard']);
    expect(parseRoles('ingress, notify,ingress')).toEqual(['ingress', 'notify']);
    expect(() => parseRoles('ingress,mailer')).toThrow('unknown role(s): mailer');
  });
});
