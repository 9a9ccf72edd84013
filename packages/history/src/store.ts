import { defineScript, type RedisClient } from '@reauth/redis';
import {
  historyFilterSchema,
  notificationEventSchema,
  notificationRecordSchema,
  notificationStatuses,
  statusAfter,
  type HistoryFilter,
  type HistoryPage,
  type NotificationDetail,
  type NotificationEventInput,
  type NotificationRecord,
  type NotificationSubject,
} from './model.js';

export interface NotificationHistory {
  /** Appends one event to a notification's timeline, creating the notification on first sight. */
  record(id: string, subject: NotificationSubject, event: NotificationEventInput): Promise<void>;
  get(id: string): Promise<NotificationDetail | undefined>;
  /** Newest first. */
  list(filter?: HistoryFilter): Promise<HistoryPage>;
}

export interface HistoryOptions {
  /** REDIS_PREFIX; every history key sits under `<prefix>:{history}`. */
  prefix: string;
  /** HISTORY_DAYS: a notification and its timeline are dropped this long after the webhook arrived. */
  retentionDays: number;
  /** Events kept per notification (the newest); retries cannot grow a timeline without bound. */
  maxEvents?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const SCAN_BATCH = 200;
const SCAN_LIMIT = 5_000;

// One script per event keeps the record, its timeline and every index in step. Keys come from
// the caller (indexes from the immutable subject), so it runs unchanged on a Cluster.
const RECORD_SCRIPT = `
local rec, evs, all = KEYS[1], KEYS[2], KEYS[3]
local id, now, retention = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local received = tonumber(redis.call('HGET', rec, 'receivedAt') or ARGV[9])
local expireAt = received + retention
if expireAt <= now then return 0 end
local function str(n) return string.format('%d', n) end
local cutoff = '(' .. str(now - retention)

local statusKey = {}
for i = 18, #ARGV do statusKey[ARGV[i]] = KEYS[i - 11] end

local fields = { 'authId', 'userId', 'externalUserId', 'serviceName', 'authenticationName' }
for i, f in ipairs(fields) do
  if ARGV[10 + i] ~= '' then redis.call('HSETNX', rec, f, ARGV[10 + i]) end
end
redis.call('HSET', rec, 'id', id, 'receivedAt', str(received), 'updatedAt', str(now))
if ARGV[16] ~= '' then redis.call('HSET', rec, 'lastQueue', ARGV[16], 'lastJobId', ARGV[17]) end
redis.call('RPUSH', evs, ARGV[5])
redis.call('LTRIM', evs, -tonumber(ARGV[4]), -1)

local status = redis.call('HGET', rec, 'status')
local newStatus, newRank, at = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[6])
if not status and newStatus == '' then newStatus, newRank = 'pending', 0 end
if newStatus ~= '' then
  local oldRank = tonumber(redis.call('HGET', rec, 'statusRank') or '-1')
  local oldAt = tonumber(redis.call('HGET', rec, 'statusAt') or '0')
  if newRank > oldRank or (newRank == oldRank and at >= oldAt) then
    if status and status ~= newStatus then redis.call('ZREM', statusKey[status], id) end
    redis.call('HSET', rec, 'status', newStatus, 'statusRank', str(newRank), 'statusAt', str(at))
    status = newStatus
  end
end

local function index(key, expires)
  redis.call('ZADD', key, received, id)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  if expires then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 or now + ttl < expireAt then redis.call('PEXPIREAT', key, str(expireAt)) end
  end
end
index(all, false)
index(statusKey[status], false)
index(KEYS[4], true)
index(KEYS[5], true)
if ARGV[10] == '1' then index(KEYS[6], true) end
for _, key in pairs(statusKey) do redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff) end
redis.call('PEXPIREAT', rec, str(expireAt))
redis.call('PEXPIREAT', evs, str(expireAt))
return 1
`;
const recordScript = defineScript(RECORD_SCRIPT);

/**
 * The notification timeline in Redis. Every key shares the `{history}` hash tag: on a Cluster the
 * whole history lives in one slot, which is what lets one script update a record and its indexes
 * atomically; history traffic is a few writes per notification, far below what one shard takes.
 *
 * Memory is bounded by retention: records, timelines and per-auth/user indexes expire
 * HISTORY_DAYS after the webhook; the shared indexes are trimmed by the same cutoff on each write.
 * Roughly 2 KB per notification (record, ~10 events, 5 index entries).
 */
export function createHistory(redis: RedisClient, options: HistoryOptions): NotificationHistory {
  const base = `${options.prefix}:{history}`;
  const retentionMs = options.retentionDays * DAY_MS;
  const maxEvents = options.maxEvents ?? 100;
  const now = options.now ?? Date.now;
  const keys = {
    record: (id: string) => `${base}:rec:${id}`,
    events: (id: string) => `${base}:ev:${id}`,
    all: `${base}:all`,
    auth: (v: string) => `${base}:auth:${v}`,
    user: (v: string) => `${base}:user:${v}`,
    ext: (v: string) => `${base}:ext:${v}`,
    status: (v: string) => `${base}:status:${v}`,
  };

  async function fetchRecords(ids: string[]): Promise<Array<NotificationRecord | undefined>> {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.record(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      const parsed = notificationRecordSchema.safeParse(value);
      // An id whose record expired (or was never complete) is skipped, not an error.
      return parsed.success ? parsed.data : undefined;
    });
  }

  return {
    async record(id, subject, event) {
      const at = event.at ?? now();
      const payload = notificationEventSchema.parse({ ...event, at, ...(event.detail ? { detail: event.detail.slice(0, 500) } : {}) });
      const next = statusAfter[payload.kind];
      const ext = subject.externalUserId;
      await recordScript.run(redis, [
        keys.record(id),
        keys.events(id),
        keys.all,
        keys.auth(subject.authId),
        keys.user(subject.userId),
        ext ? keys.ext(ext) : keys.record(id),
        ...notificationStatuses.map(keys.status),
      ], [
        id,
        String(now()),
        String(retentionMs),
        String(maxEvents),
        JSON.stringify(payload),
        String(at),
        next?.status ?? '',
        String(next?.rank ?? 0),
        String(subject.receivedAt ?? now()),
        ext ? '1' : '0',
        subject.authId,
        subject.userId,
        ext ?? '',
        subject.serviceName ?? '',
        subject.authenticationName ?? '',
        payload.queue && payload.jobId ? payload.queue : '',
        payload.queue && payload.jobId ? payload.jobId : '',
        ...notificationStatuses,
      ]);
    },

    async get(id) {
      const [[recErr, rec], [evErr, events]] = ((await redis.multi().hgetall(keys.record(id)).lrange(keys.events(id), 0, -1).exec()) ?? []) as [
        [Error | null, unknown],
        [Error | null, string[]],
      ];
      if (recErr || evErr) throw recErr ?? evErr;
      const record = notificationRecordSchema.safeParse(rec);
      if (!record.success) return undefined;
      return {
        ...record.data,
        events: events.flatMap((raw) => {
          const parsed = notificationEventSchema.safeParse(JSON.parse(raw));
          return parsed.success ? [parsed.data] : [];
        }),
      };
    },

    async list(input = {}) {
      const filter = historyFilterSchema.parse(input);
      // Read the most selective index; check the remaining criteria on each record.
      const indexKey = filter.authId
        ? keys.auth(filter.authId)
        : filter.userId
          ? keys.user(filter.userId)
          : filter.externalUserId
            ? keys.ext(filter.externalUserId)
            : filter.status
              ? keys.status(filter.status)
              : keys.all;
      const matches = (r: NotificationRecord) =>
        (!filter.authId || r.authId === filter.authId) &&
        (!filter.userId || r.userId === filter.userId) &&
        (!filter.externalUserId || r.externalUserId === filter.externalUserId) &&
        (!filter.status || r.status === filter.status);

      const items: NotificationRecord[] = [];
      let offset = filter.cursor;
      const scanEnd = offset + SCAN_LIMIT;
      while (offset < scanEnd) {
        const ids = await redis.zrevrange(indexKey, offset, offset + SCAN_BATCH - 1);
        const records = await fetchRecords(ids);
        for (let i = 0; i < records.length; i += 1) {
          const record = records[i];
          if (record && matches(record)) items.push(record);
          if (items.length === filter.limit) return { items, next: offset + i + 1 };
        }
        if (ids.length < SCAN_BATCH) return { items };
        offset += ids.length;
      }
      // Scanned enough for one request; the caller may continue from here.
      return { items, next: offset };
    },
  };
}
