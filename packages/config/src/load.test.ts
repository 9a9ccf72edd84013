import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from './load.js';
import { parseRoles } from './roles.js';
import { redisTarget, trayUrls } from './derived.js';

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('config', () => {
  it('lists every problem at once, naming the roles that need each variable', () => {
    const found = problems(() => parseConfig({ PORT: 'eighty', TRAY_REGION: 'mars', LINK_SECRET: 'short' }, ['ingress', 'notify']));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^TRAY_REGION: /),
        expect.stringMatching(/^LINK_SECRET: use at least 32/),
        'WEBHOOK_TOKEN: required by role(s) ingress',
        'TRAY_MASTER_TOKEN: required by role(s) ingress',
        'SMTP_URL: required by role(s) notify',
        'MAIL_FROM: required by role(s) notify',
      ]),
    );
  });

  it('requires only what the selected roles use, and treats empty strings as unset', () => {
    const config = parseConfig({ TRAY_MASTER_TOKEN: 'm', LINK_SECRET: 'k'.repeat(32), SMTP_URL: '' }, ['token-lookup']);
    expect(config.DEDUPE_WINDOW_HOURS).toBe(72);
    expect(config.NOTIFY_UNUSED_AUTHS).toBe(false);
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('refuses a production dashboard without a password', () => {
    expect(problems(() => parseConfig({ NODE_ENV: 'production' }, ['dashboard']))).toEqual([
      'ADMIN_PASSWORD: required in production: the dashboard refuses to run open',
    ]);
  });

  it('checks CONTACTS_URL is a template and rejects conflicting settings', () => {
    expect(problems(() => parseConfig({ CONTACTS_URL: 'https://crm.test/users' }, []))).toEqual([
      'CONTACTS_URL: must contain {external_user_id}',
    ]);
    expect(problems(() => parseConfig({ CONTACTS_URL: 'https://crm.test/u/{external_user_id}', CONTACTS_FILE: 'c.json' }, []))).toEqual([
      'CONTACTS_FILE: set CONTACTS_URL or CONTACTS_FILE, not both',
    ]);
  });

  it('picks regional Tray hosts unless overridden', () => {
    expect(trayUrls(parseConfig({ TRAY_REGION: 'eu' }, []))).toEqual({ graphql: 'https://eu1.tray.io/graphql', dialog: 'https://embedded.eu1.tray.io' });
    expect(trayUrls(parseConfig({ TRAY_REGION: 'apac' }, []))).toEqual({ graphql: 'https://ap1.tray.io/graphql', dialog: 'https://embedded.ap1.tray.io' });
    expect(trayUrls(parseConfig({}, []))).toEqual({ graphql: 'https://tray.io/graphql', dialog: 'https://embedded.tray.io' });
    expect(trayUrls(parseConfig({ TRAY_REGION: 'eu', TRAY_DIALOG_URL: 'https://auth.acme.test' }, [])).dialog).toBe('https://auth.acme.test');
  });

  it('gives Cluster connections REDIS_USERNAME, REDIS_PASSWORD and TLS, and refuses them beside a single-node URL', () => {
    const nodes = { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' };
    expect(redisTarget(parseConfig(nodes, []))).toEqual({ clusterNodes: ['10.0.0.1:7000', '10.0.0.2:7000'] });
    expect(redisTarget(parseConfig({ ...nodes, REDIS_USERNAME: 'reauth', REDIS_PASSWORD: 'pw', REDIS_TLS: 'true' }, []))).toEqual({
      clusterNodes: ['10.0.0.1:7000', '10.0.0.2:7000'],
      username: 'reauth',
      password: 'pw',
      tls: {},
    });
    const ca = new URL('../../../.env.example', import.meta.url).pathname;
    expect(redisTarget(parseConfig({ ...nodes, REDIS_TLS_CA_FILE: ca }, []))).toMatchObject({ tls: { ca: expect.stringContaining('REDIS_URL') } });
    expect(problems(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PASSWORD: 'pw' }, []))).toEqual([
      'REDIS_PASSWORD: applies to REDIS_CLUSTER_NODES; a single node takes it in REDIS_URL (rediss://user:password@host:port)',
    ]);
    expect(problems(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS: 'false' }, []))).toEqual([]);
  });

  it('parses role lists', () => {
    expect(parseRoles(undefined)).toHaveLength(5);
    expect(parseRoles('ingress, notify,ingress')).toEqual(['ingress', 'notify']);
    expect(() => parseRoles('ingress,mailer')).toThrow('unknown role(s): mailer');
  });
});
