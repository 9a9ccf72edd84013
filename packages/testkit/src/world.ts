import { randomBytes } from 'node:crypto';
import { startRedisServer, type RedisServer, type RedisServerOptions } from '@reauth/redis';
import { startContactsServer, type ContactsServer } from './contacts-server.js';
import { startFakeTray, type FakeTray, type FakeTrayOptions } from './fake-tray/index.js';
import { startSmtpCapture, type SmtpCapture, type SmtpCaptureOptions } from './smtp-capture.js';

export interface LocalWorldOptions {
  redis?: RedisServerOptions;
  tray?: Partial<FakeTrayOptions>;
  smtp?: SmtpCaptureOptions;
  /** Points reauth at a contacts file instead of the contacts server (the benchmarks skip an HTTP hop per email). */
  contactsFile?: string;
}

export interface LocalWorld {
  redis: RedisServer;
  tray: FakeTray;
  smtp: SmtpCapture;
  contacts: ContactsServer;
  secrets: { masterToken: string; webhookToken: string; linkSecret: string };
  /**
   * What a reauth process needs to use these stand-ins: Redis, Tray, SMTP, contacts, link secret.
   * Callers add what is theirs (ports, log level, timings) on top.
   */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The one builder of a local world: every test, the demo, the chaos run and the benchmarks start theirs here. */
export async function startLocalWorld(options: LocalWorldOptions = {}): Promise<LocalWorld> {
  const secrets = { masterToken: `master-${hex(16)}`, webhookToken: `hook-${hex(16)}`, linkSecret: `link-${hex(24)}` };
  const embeddedId = options.tray?.embeddedId ?? 'acme';
  const [redis, tray, smtp, contacts] = await Promise.all([
    startRedisServer(options.redis),
    startFakeTray({ masterToken: secrets.masterToken, ...options.tray, embeddedId }),
    startSmtpCapture(options.smtp),
    startContactsServer(),
  ]);
  const env: Record<string, string> = {
    REDIS_URL: redis.url,
    PUBLIC_URL: 'http://reauth.test',
    WEBHOOK_TOKEN: secrets.webhookToken,
    TRAY_GRAPHQL_URL: tray.url,
    TRAY_DIALOG_URL: tray.dialogUrl,
    TRAY_MASTER_TOKEN: secrets.masterToken,
    TRAY_EMBEDDED_ID: embeddedId,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Acme Integrations <integrations@acme.test>',
    ...(options.contactsFile ? { CONTACTS_FILE: options.contactsFile } : { CONTACTS_URL: contacts.urlTemplate }),
    LINK_SECRET: secrets.linkSecret,
  };
  return {
    redis,
    tray,
    smtp,
    contacts,
    secrets,
    env,
    async stop() {
      await Promise.all([tray.close(), smtp.close(), contacts.close()]);
      await redis.stop();
    },
  };
}
