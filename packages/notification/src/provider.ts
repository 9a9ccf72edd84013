import type { ProviderSwitch } from '@reauth/config';
import type { z } from 'zod';
import type { EmailContent } from '@reauth/email';
import type { VerifiedLink } from '@reauth/links';
import type { JobModule, ModuleHandlers, QueueSet, Schedule } from '@reauth/queues';
import type { RedisClient } from '@reauth/redis';
import type { NotificationRecord } from './model.js';
import type { Notifications } from './store.js';

/** One email about to go out: which notice it is, and the link it carries. */
export interface Notice {
  /** 0 for the first email; each reminder or later notice counts up. */
  send: number;
  /** How many notices this notification gets in all. */
  total: number;
  link: string;
  linkExpiresAt: number;
  now: number;
}

/** What the landing page shows before anything is spent: a GET mints nothing. */
export interface Landing {
  service: string;
  account: string;
  /** The affected integrations (or the bank's accounts), one line each. */
  items: string[];
  /** One button per choice; most providers have one (Tray's instance-slot mode has one per instance). */
  buttons: Array<{ label: string; choice?: string }>;
}

/** What the button leads to. */
export type LinkOutcome =
  /** Go on to the provider's dialog or the bank; `popupOrigin` when the page may open it in a popup and listen to it. */
  | { kind: 'redirect'; url: string; popupOrigin?: string }
  /**
   * A page instead: `retry` (the provider is unavailable now, the link still works) or `refused`
   * (the credential cannot be re-authenticated here; the notification ends failed).
   */
  | { kind: 'retry'; message: string }
  | { kind: 'refused'; reason: string; message: string; fallbackUrl?: string };

/**
 * What a provider adds to the notification core. Everything else (record, send, reminders,
 * landing page, dead letters, history) is the core's.
 */
export interface ProviderRuntime {
  id: string;
  /** When each notice is due; `at(record, k)` for notice k, `count` notices in all. */
  notices: {
    count(record: NotificationRecord): number;
    at(record: NotificationRecord, send: number): number;
  };
  email(record: NotificationRecord, notice: Notice): EmailContent;
  /** `link` is the verified link that was opened (a version-1 link names its own target). */
  landing(record: NotificationRecord, link: VerifiedLink): Landing;
  /** Runs on the landing page's POST. */
  act(record: NotificationRecord, choice: string | undefined, link: VerifiedLink): Promise<LinkOutcome>;
  /**
   * A version-1 link (signed before the notification core) whose notification has no record yet:
   * the record it implies, so old links keep working. Only Tray ever signed those.
   */
  adoptLegacyLink?(link: VerifiedLink): Promise<string | undefined>;
}

/** What the core hands a provider when a process starts it. */
export interface CoreDeps {
  /** The process's command connection. */
  redis: RedisClient;
  store: Notifications;
  queues: QueueSet;
  /** Upstream calls and budget waits, for metrics. */
  hooks: UpstreamHooks;
}

export interface UpstreamHooks {
  onCall?(upstream: string, operation: string, outcome: 'ok' | 'error', error?: Error): void;
  onBudgetWait?(upstream: string): void;
  /** A provider's periodic run finished (a JourneyApps sweep): its counts by outcome, for metrics. */
  onRun?(provider: string, outcome: 'completed' | 'failed', counts: Record<string, number>): void;
}

export interface StartedProvider {
  runtime: ProviderRuntime;
  /** Its job module bound to this process's services. */
  jobs: ModuleHandlers;
  intakes: Intake[];
  /** Job schedulers on its own queues, upserted by the processes that run them. */
  schedules?: Schedule[];
  close(): void;
}

/**
 * A provider is data plus a small adapter: its switch and settings (part of the one env schema),
 * its job module, and `start`, which builds its runtime in a process. Registering one is one line
 * in the providers list.
 */
export interface Provider {
  id: string;
  switch: ProviderSwitch;
  /** Its job catalog and queues, known before any process starts (roles, compose, dashboard). */
  module: Pick<JobModule, 'name' | 'queues' | 'jobs'>;
  /** `env` has passed parseConfig with this provider on. */
  start(env: Record<string, string | undefined>, core: CoreDeps): StartedProvider;
}

export interface IntakeRequest {
  header(name: string): string | undefined;
  query: Record<string, unknown>;
}

/**
 * What `accept` throws for a well-formed request it can never store (an unknown deployment): the
 * ingress answers `status` with the message, and a spooled copy is dropped, not retried.
 */
export class IntakeRefused extends Error {
  constructor(readonly status: 404 | 409 | 422, message: string) {
    super(message);
    this.name = 'IntakeRefused';
  }
}

/** A provider's webhook: the ingress mounts one generic route per intake. */
export interface Intake<T = unknown> {
  /** Stable: spooled entries name the intake that replays them. */
  name: string;
  /** Express-style path; `:name` segments reach `input` as params. */
  path: string;
  /** Answered 401 when false; checked before the body is read (a token, or that signature headers are there). */
  authenticate(req: IntakeRequest): boolean;
  /** A signature over the raw body (Standard Webhooks): answered 401 when false, before the body is validated. */
  verify?(rawBody: Buffer, req: IntakeRequest): boolean;
  /**
   * What `schema` validates, from the parsed body, path params and headers; the body by default.
   * Whatever `accept` needs must be in it: a spooled notice is replayed from it alone.
   */
  input?(body: unknown, req: IntakeRequest & { params: Record<string, string> }): unknown;
  schema: z.ZodType<T>;
  /** One line for the API description: who posts here, and about what. */
  summary: string;
  /**
   * The request body as sent, for the API description, when `input` builds what `schema` sees
   * from more than the body; `schema` describes it otherwise.
   */
  body?: z.ZodType;
  /** For the API description: the env variable of its own Bearer token, when it takes one instead of WEBHOOK_TOKEN. */
  bearerToken?: string;
  /** For the API description: the `IntakeRefused` statuses `accept` may answer, and when. */
  refusals?: Partial<Record<IntakeRefused['status'], string>>;
  /**
   * Stores the work; resolves only once it is safely in Redis. `receivedAt` is part of what it
   * dedupes on, so a replay from the spool with the original time lands on the same notification.
   */
  accept(payload: T, receivedAt: number): Promise<{ status: string; id: string }>;
}
