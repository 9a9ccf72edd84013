import type { RedisClient } from '@reauth/redis';
import {
  eventSchema,
  filterSchema,
  funnelStates,
  isOpen,
  recordSchema,
  type EventInput,
  type Funnel,
  type NotificationDetail,
  type NotificationEvent,
  type NotificationFilter,
  type NotificationPage,
  type NotificationRecord,
  type NotificationState,
  type NotificationView,
  type ProviderIds,
} from './model.js';
import { leaseDueScript, moveScript, openScript } from './scripts.js';

export interface OpenInput {
  id: string;
  provider: string;
  /** The credential this notice is about; a newer open notice for the same one supersedes the older. */
  subjectKey?: string;
  ids: ProviderIds;
  contactKey: string;
  contact?: { email: string; name?: string };
  context?: Record<string, unknown>;
  sealed?: string;
  expiresAt: number;
  /** The first notice to send (a consent posted late skips the notices already past). */
  firstSend?: number;
  /** When the scheduler should first look at it; absent when the caller enqueues notice 0 itself. */
  due?: number;
  /**
   * How an older open notice for the same subject ends: `superseded` by default; a renewal that
   * proves the user came back ends it `completed`.
   */
  replaces?: { state: 'superseded' | 'completed'; reason: string };
  /** Recorded as the first timeline entry's detail. */
  detail?: string;
  queue?: string;
  jobId?: string;
  /**
   * A key under `base` set to this id for `ttlMs`, in the same script and whatever the outcome:
   * an intake records what it acted on without a round trip of its own.
   */
  marker?: { key: string; ttlMs: number };
}

export interface MoveInput {
  to?: NotificationState;
  reason?: string;
  /** The timeline entry; without a kind of its own it is named after the new state (none when the state stays). */
  event?: EventInput;
  /** Next time the scheduler should look at this notification, or 'clear'. */
  due?: number | 'clear';
  /** Notice `sentIndex` went out: the next one to send is the one after it. */
  sentIndex?: number;
  context?: Record<string, unknown>;
  sealed?: string;
}

export interface Notifications {
  open(input: OpenInput): Promise<{ created: boolean; state: NotificationState; superseded?: string }>;
  get(id: string): Promise<NotificationRecord | undefined>;
  /** The open notification about one credential, if any. */
  openFor(provider: string, subjectKey: string): Promise<NotificationRecord | undefined>;
  /** `openFor` for many credentials in two round trips (a sweep checks a page of sessions at once). */
  openForMany(provider: string, subjectKeys: readonly string[]): Promise<Array<NotificationRecord | undefined>>;
  detail(id: string): Promise<NotificationDetail | undefined>;
  /** Moves the state forward (never back) and/or records a step; undefined for an unknown id. */
  move(id: string, input: MoveInput): Promise<{ before: NotificationState; after: NotificationState } | undefined>;
  /** A timeline step that changes nothing else. */
  step(id: string, event: EventInput): Promise<void>;
  list(filter?: NotificationFilter): Promise<NotificationPage>;
  /** Per provider: how many notifications reached each funnel state (and were received). */
  funnel(): Promise<Funnel>;
  /** Due notification ids, leased for `leaseMs` (see leaseDueScript). */
  leaseDue(now: number, leaseMs: number, limit: number): Promise<string[]>;
  /** Notes an escalation for the daily summary (kept a week). */
  noteEscalated(id: string, at: number): Promise<void>;
  /** Notifications escalated since `since`, oldest first (at most SUMMARY_LIMIT). */
  escalatedSince(since: number): Promise<NotificationRecord[]>;
  /** An event that is not a notification's (a JourneyApps sweep finished), into the same outbox; nothing when its type is off. */
  emit(type: string, provider: string, data: Record<string, unknown>): Promise<void>;
  /** The outbox stream the events dispatcher drains. */
  outbox: string;
  /** Keeps a provider's run report (a JourneyApps sweep) for the history API; the newest REPORTS_KEPT are kept. */
  addReport(provider: string, report: Record<string, unknown>): Promise<void>;
  /** Newest first. */
  reports(provider: string, limit?: number): Promise<Array<Record<string, unknown>>>;
  /** The tagged key base, for tests and benchmarks that measure the layout. */
  base: string;
}

export const REPORTS_KEPT = 200;

export interface StoreOptions {
  /** REDIS_PREFIX; every key sits under `<prefix>:{notif}`. */
  prefix: string;
  /** HISTORY_DAYS: a notification is kept this long after its links expire. */
  retentionDays: number;
  /** The longest a notification can stay open: TrueLayer's is up to 90 days of consent plus 90 of grace. */
  maxOpenDays?: number;
  maxEvents?: number;
  /** The lifecycle event types written to the outbox for the customer's systems (EVENTS_TYPES); none when events are off. */
  eventTypes?: readonly string[];
  now?: () => number;
}

const DAY_MS = 86_400_000;
const SCAN_BATCH = 200;
/** The daily escalation summary lists at most this many people (the dashboard has the rest). */
const SUMMARY_LIMIT = 1_000;
const SCAN_LIMIT = 5_000;
const RESERVED_FILTERS = new Set(['provider', 'state', 'limit', 'cursor']);

const indexName = (provider: string, key: string, value: string) => `${provider}:${key}:${value}`;

/**
 * The one owner of the notification record, its lifecycle, timeline, indexes, reminder schedule
 * and funnel counts in Redis. Providers never write these keys: they call this API.
 *
 * Memory: a record (~0.5 KB), its timeline (~10 events), a few index entries and at most one
 * schedule entry while open; every key expires HISTORY_DAYS after the notification's links do.
 */
export function createNotifications(redis: RedisClient, options: StoreOptions): Notifications {
  const base = `${options.prefix}:{notif}`;
  const retentionMs = options.retentionDays * DAY_MS;
  const horizonMs = retentionMs + (options.maxOpenDays ?? 200) * DAY_MS;
  const maxEvents = options.maxEvents ?? 100;
  const eventTypes = new Set(options.eventTypes ?? []);
  const outboxTypes = eventTypes.size > 0 ? `,${[...eventTypes].join(',')},` : '';
  const now = options.now ?? Date.now;
  const rec = (id: string) => `${base}:rec:${id}`;
  const event = (e: EventInput | undefined, fallbackKind: NotificationEvent['kind'], at: number) =>
    JSON.stringify(eventSchema.parse({ kind: fallbackKind, ...e, at: e?.at ?? at, ...(e?.detail ? { detail: e.detail.slice(0, 500) } : {}) }));

  const parseRecord = (raw: Record<string, string>): NotificationRecord | undefined => {
    const parsed = recordSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  };
  const view = ({ sealed: _sealed, ...rest }: NotificationRecord): NotificationView => rest;

  async function fetchRecords(ids: string[]): Promise<Array<NotificationRecord | undefined>> {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(rec(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      return parseRecord(value as Record<string, string>);
    });
  }

  const store: Notifications = {
    base,
    async open(input) {
      const at = now();
      const fields: Record<string, string> = {
        expiresAt: String(input.expiresAt),
        contactKey: input.contactKey,
        sends: String(input.firstSend ?? 0),
        ids: JSON.stringify(input.ids),
        context: JSON.stringify(input.context ?? {}),
        ...(input.contact ? { contact: JSON.stringify(input.contact) } : {}),
        ...(input.sealed ? { sealed: input.sealed } : {}),
        ...(input.queue && input.jobId ? { lastQueue: input.queue, lastJobId: input.jobId } : {}),
      };
      const purgeAt = Math.max(at, input.expiresAt) + retentionMs;
      const openKey = input.subjectKey ? `${base}:open:${input.provider}:${input.subjectKey}` : '';
      const indexes = Object.entries(input.ids).map(([k, v]) => indexName(input.provider, k, v));
      const [status, state, superseded] = (await openScript.run(redis, [rec(input.id)], [
        base, input.id, at, input.provider, openKey, purgeAt, horizonMs, maxEvents,
        event({ kind: 'received', ...(input.detail ? { detail: input.detail } : {}), ...(input.queue ? { queue: input.queue, jobId: input.jobId } : {}) }, 'received', at),
        JSON.stringify(fields),
        input.due === undefined ? '' : Math.round(input.due),
        input.replaces?.state ?? 'superseded',
        input.replaces?.reason ?? 'a newer notice for the same credential',
        outboxTypes,
        input.marker?.key ?? '',
        input.marker?.ttlMs ?? 0,
        ...indexes,
      ])) as [string, NotificationState, string];
      return { created: status === 'created', state, ...(superseded ? { superseded } : {}) };
    },

    async get(id) {
      return parseRecord(await redis.hgetall(rec(id)));
    },

    async openFor(provider, subjectKey) {
      const id = await redis.get(`${base}:open:${provider}:${subjectKey}`);
      const record = id ? await store.get(id) : undefined;
      return record && isOpen(record.state) ? record : undefined;
    },

    async openForMany(provider, subjectKeys) {
      if (subjectKeys.length === 0) return [];
      const ids = await redis.mget(subjectKeys.map((k) => `${base}:open:${provider}:${k}`));
      const found = ids.filter((id): id is string => id !== null);
      const records = new Map((await fetchRecords(found)).map((r, i) => [found[i]!, r]));
      return ids.map((id) => {
        const record = id === null ? undefined : records.get(id);
        return record && isOpen(record.state) ? record : undefined;
      });
    },

    outbox: `${base}:outbox`,

    async noteEscalated(id, at) {
      const key = `${base}:escalated`;
      await redis.multi().zadd(key, at, id).zremrangebyscore(key, '-inf', `(${at - 7 * DAY_MS}`).exec();
    },

    async escalatedSince(since) {
      const ids = await redis.zrangebyscore(`${base}:escalated`, since, '+inf', 'LIMIT', 0, SUMMARY_LIMIT);
      return (await fetchRecords(ids)).filter((r): r is NotificationRecord => r !== undefined);
    },

    async emit(type, provider, data) {
      if (!eventTypes.has(type)) return;
      await redis.xadd(`${base}:outbox`, 'MAXLEN', '~', '1000000', '*', 'type', type, 'provider', provider, 'data', JSON.stringify(data));
    },

    async addReport(provider, report) {
      const key = `${base}:reports:${provider}`;
      await redis.multi().lpush(key, JSON.stringify(report)).ltrim(key, 0, REPORTS_KEPT - 1).pexpire(key, retentionMs).exec();
    },

    async reports(provider, limit = 50) {
      const lines = await redis.lrange(`${base}:reports:${provider}`, 0, Math.min(limit, REPORTS_KEPT) - 1);
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },

    async detail(id) {
      const [[recErr, raw], [evErr, events]] = ((await redis.multi().hgetall(rec(id)).lrange(`${base}:ev:${id}`, 0, -1).exec()) ?? []) as [
        [Error | null, Record<string, string>],
        [Error | null, string[]],
      ];
      if (recErr || evErr) throw recErr ?? evErr;
      const record = parseRecord(raw);
      if (!record) return undefined;
      return {
        ...view(record),
        events: events.flatMap((line) => {
          const parsed = eventSchema.safeParse(JSON.parse(line));
          return parsed.success ? [parsed.data] : [];
        }),
      };
    },

    async move(id, input) {
      const at = now();
      const fields = {
        ...(input.context ? { context: JSON.stringify(input.context) } : {}),
        ...(input.sealed ? { sealed: input.sealed } : {}),
      };
      const e = input.event;
      const result = (await moveScript.run(redis, [rec(id)], [
        base, id, at, input.to ?? '', input.reason ?? '',
        event(e, input.to ?? 'step', at),
        input.due === undefined ? '' : input.due === 'clear' ? 'clear' : Math.round(input.due),
        input.sentIndex ?? '',
        e?.kind ? '1' : '',
        maxEvents,
        Object.keys(fields).length > 0 ? JSON.stringify(fields) : '',
        e?.queue && e.jobId ? e.queue : '',
        e?.queue && e.jobId ? e.jobId : '',
        outboxTypes,
      ])) as [NotificationState, NotificationState] | null;
      return result ? { before: result[0], after: result[1] } : undefined;
    },

    async step(id, e) {
      await store.move(id, { event: e });
    },

    async list(input = {}) {
      const filter = filterSchema.parse(input);
      const idFilters = Object.entries(filter).filter((entry): entry is [string, string] => !RESERVED_FILTERS.has(entry[0]) && typeof entry[1] === 'string');
      const [firstId] = idFilters;
      if (firstId && !filter.provider) throw new Error('filtering by a provider id needs the provider');
      // Read the most selective index; check the remaining criteria on each record.
      const indexKey = firstId && filter.provider
        ? `${base}:ix:${indexName(filter.provider, firstId[0], firstId[1])}`
        : filter.state
          ? `${base}:st:${filter.state}`
          : filter.provider
            ? `${base}:pv:${filter.provider}`
            : `${base}:all`;
      const matches = (r: NotificationRecord) =>
        (!filter.provider || r.provider === filter.provider) &&
        (!filter.state || r.state === filter.state) &&
        idFilters.every(([k, v]) => r.ids[k] === v);

      const items: NotificationView[] = [];
      let offset = filter.cursor;
      const scanEnd = offset + SCAN_LIMIT;
      while (offset < scanEnd) {
        const ids = await redis.zrevrange(indexKey, offset, offset + SCAN_BATCH - 1);
        const records = await fetchRecords(ids);
        for (let i = 0; i < records.length; i += 1) {
          const record = records[i];
          if (record && matches(record)) items.push(view(record));
          if (items.length === filter.limit) return { items, next: offset + i + 1 };
        }
        if (ids.length < SCAN_BATCH) return { items };
        offset += ids.length;
      }
      return { items, next: offset };
    },

    async funnel() {
      const providers = await redis.smembers(`${base}:providers`);
      const out: Funnel = {};
      for (const provider of providers.sort()) {
        const counts = await redis.hgetall(`${base}:funnel:${provider}`);
        out[provider] = Object.fromEntries(['received', ...funnelStates].map((s) => [s, Number(counts[s] ?? 0)])) as Funnel[string];
      }
      return out;
    },

    async leaseDue(at, leaseMs, limit) {
      return (await leaseDueScript.run(redis, [`${base}:due`], [base, at, leaseMs, limit])) as string[];
    },
  };
  return store;
}
