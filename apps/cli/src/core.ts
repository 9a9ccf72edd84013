import { createContactLookup, type ContactSource } from '@reauth/contacts';
import { linkSettings, mailSettings, type Config } from '@reauth/config';
import { brandOf, createMailer, loadEmailTemplates, type EmailRenderer, type Mailer } from '@reauth/email';
import { createLinkSigner, type LinkSigner } from '@reauth/links';
import {
  createDelivery,
  createNotifications,
  notificationJobs,
  notificationModule,
  type Intake,
  type Notifications,
  type StoreOptions,
  type ProviderRuntime,
  type StartedProvider,
  type UpstreamHooks,
} from '@reauth/notification';
import { bindModule, enqueuer, type ModuleHandlers, type QueueSet, type Schedule } from '@reauth/queues';
import { escalationSummary, reminderTick } from './scheduler.js';
import { dispatchSchedule, eventsModule, type EventSettings } from '@reauth/events';
import type { RedisClient } from '@reauth/redis';
import { providers } from '@reauth/worker';

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

function contactSource(config: Config): ContactSource {
  if (config.CONTACTS_URL) return { kind: 'url', template: config.CONTACTS_URL, ...(config.CONTACTS_TOKEN ? { token: config.CONTACTS_TOKEN } : {}) };
  if (config.CONTACTS_FILE) return { kind: 'file', path: config.CONTACTS_FILE };
  return { kind: 'external-id' };
}

/** Every process opens the store the same way: with EVENTS_URL set, its scripts write the events outbox. */
export function storeOptions(config: Config): StoreOptions {
  return { prefix: config.REDIS_PREFIX, retentionDays: config.HISTORY_DAYS, eventTypes: config.EVENTS_URL ? config.EVENTS_TYPES : [] };
}

function eventSettings(config: Config): EventSettings | undefined {
  if (!config.EVENTS_URL || !config.EVENTS_SECRET) return undefined;
  return { url: config.EVENTS_URL, secret: config.EVENTS_SECRET, timeoutMs: config.EVENTS_TIMEOUT_MS, retryDelays: config.EVENTS_RETRY_DELAYS, horizonMs: config.EVENTS_RETRY_HORIZON };
}

export interface Core {
  store: Notifications;
  /** Only in a process whose config has LINK_SECRET (every role that signs or verifies links). */
  signer: () => LinkSigner;
  /** The providers switched on in this environment, started. */
  runtimes: ReadonlyMap<string, ProviderRuntime>;
  /** The core's job module and every started provider's, bound to this process's services. */
  modules: ModuleHandlers[];
  /** The compiled email templates; a process that sends calls it at start, so a broken one stops it there. */
  templates: () => EmailRenderer;
  /** Every started provider's webhook intakes. */
  intakes: Intake[];
  /** The core's job schedulers and every started provider's. */
  schedules: Schedule[];
  close(): void;
}

export interface CoreHooks extends UpstreamHooks {
  onEmail?(provider: string, outcome: 'sent' | 'failed'): void;
}

/**
 * The composition root of one process: the notification store, the providers that are on, and
 * the core's own jobs (send, tick), all built lazily so a process builds only what its roles use.
 */
export function startCore(config: Config, env: Record<string, string | undefined>, deps: { redis: RedisClient; queues: QueueSet; hooks: CoreHooks }): Core {
  const store = createNotifications(deps.redis, storeOptions(config));
  const started: StartedProvider[] = providers
    .filter((p) => config.providers.includes(p.id))
    .map((p) => p.start(env, { redis: deps.redis, store, queues: deps.queues, hooks: deps.hooks }));
  const runtimes = new Map(started.map((s) => [s.runtime.id, s.runtime]));
  // Narrowed by schema, not asserted: parseConfig has already required these for the roles that use them.
  const signer = once(() => createLinkSigner(linkSettings.parse(config).LINK_SECRET));
  const templates = once(() => loadEmailTemplates({ dir: config.TEMPLATES_DIR, brand: brandOf(config) }));
  let mailerMade = false;
  const mailer = once((): Mailer => {
    mailerMade = true;
    const mail = mailSettings.parse(config);
    return createMailer(mail.SMTP_URL, mail.MAIL_FROM, mail.SMTP_POOL_SIZE);
  });
  const core = bindModule(notificationModule, {
    store,
    delivery: createDelivery({ redis: deps.redis, mailer, prefix: config.REDIS_PREFIX, poolSize: config.SMTP_POOL_SIZE }),
    contacts: once(() => createContactLookup(contactSource(config))),
    signer,
    providers: runtimes,
    templates,
    enqueue: enqueuer(notificationJobs, deps.queues),
    publicUrl: config.PUBLIC_URL,
    ...(config.REMINDER_HOURS ? { sendingHours: config.REMINDER_HOURS } : {}),
    defaultTimeZone: config.REMINDER_TIMEZONE,
    ...(deps.hooks.onEmail ? { onEmail: deps.hooks.onEmail } : {}),
    // Escalating is only worth its schedule entry when someone hears of it.
    ...(config.EVENTS_URL || config.ESCALATION_EMAIL ? { escalateAfterMs: config.ESCALATE_AFTER } : {}),
    ...(config.ESCALATION_EMAIL ? { escalationEmail: config.ESCALATION_EMAIL } : {}),
  });
  const events = bindModule(eventsModule, {
    redis: deps.redis,
    outbox: store.outbox,
    queue: () => deps.queues.get('events'),
    settings: eventSettings(config),
    onCall: (type, outcome, error) => deps.hooks.onCall?.('events', type, outcome, error),
  });
  return {
    store,
    signer,
    templates,
    runtimes,
    modules: [core, events, ...started.map((s) => s.jobs)],
    intakes: started.flatMap((s) => s.intakes),
    schedules: [reminderTick, ...(config.ESCALATION_EMAIL ? [escalationSummary] : []), ...(config.EVENTS_URL ? [dispatchSchedule] : []), ...started.flatMap((s) => s.schedules ?? [])],
    close() {
      for (const s of started) s.close();
      if (mailerMade) mailer().close();
    },
  };
}
