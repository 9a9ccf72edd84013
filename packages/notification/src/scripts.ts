import { defineScript } from '@reauth/redis';

/**
 * Every key of the notification store shares the `{notif}` hash tag, so one script can change a
 * record, its timeline, its indexes, the reminder schedule and the funnel at once, on a single
 * node or a Cluster. Keys are built here from ARGV[1] (the tagged base): all of them hash to the
 * slot of KEYS[1], which routes the call.
 */
const prelude = `
local base = ARGV[1]
local rank = { received = 0, notified = 1, reminded = 2, opened = 3,
  completed = 9, lapsed = 9, failed = 9, superseded = 9, skipped = 9 }
local funnel = { notified = true, opened = true, completed = true, lapsed = true, failed = true, superseded = true, skipped = true }
local function str(n) return string.format('%d', n) end

-- The lifecycle event each timeline kind is, for the customer's own systems (see events.ts).
local eventTypes = { received = 'notification.created', ['email-sent'] = 'notification.sent', ['reminder-sent'] = 'reminder.sent',
  opened = 'link.opened', completed = 'reauth.completed', failed = 'reauth.failed', lapsed = 'notification.lapsed',
  superseded = 'notification.superseded', skipped = 'notification.skipped', forced = 'session.reauthenticated', escalated = 'notification.escalated' }
-- Set by each script from its ARGV: the types sent (',a,b,'), or '' when events are off.
local outboxTypes = ''

-- The outbox: an event is written in the same script as the change it reports, so a change is
-- never without its event (nor an event without its change). The dispatcher drains the stream.
local function emit(id, event)
  -- Off by default: a timeline step pays for decoding its event only when events are on.
  if outboxTypes == '' then return end
  local t = eventTypes[cjson.decode(event).kind]
  if not t or not string.find(outboxTypes, ',' .. t .. ',', 1, true) then return end
  local rec = base .. ':rec:' .. id
  local seq = redis.call('HINCRBY', rec, 'seq', 1)
  local fields = redis.call('HMGET', rec, 'provider', 'state', 'reason', 'ids')
  redis.call('XADD', base .. ':outbox', 'MAXLEN', '~', '1000000', '*', 'type', t, 'id', id, 'seq', str(seq),
    'provider', fields[1] or '', 'state', fields[2] or '', 'reason', fields[3] or '', 'ids', fields[4] or '{}', 'event', event)
end

local function push(id, event, maxEvents)
  local ev = base .. ':ev:' .. id
  redis.call('RPUSH', ev, event)
  redis.call('LTRIM', ev, -maxEvents, -1)
  local ttl = redis.call('PTTL', base .. ':rec:' .. id)
  if ttl > 0 then redis.call('PEXPIRE', ev, ttl) end
  emit(id, event)
end

-- Moves a record to 'to' when that is forward (or a replay reopening a failed one); returns the
-- state it ends in. An ended notification leaves the reminder schedule and drops its secret.
local function move(id, to, reason, now)
  local rec = base .. ':rec:' .. id
  local state = redis.call('HGET', rec, 'state')
  if not state then return false end
  if to == '' or to == state then return state end
  local reopen = (state == 'failed' and to == 'received')
  if rank[state] == 9 and not reopen then return state end
  if rank[to] < rank[state] and not reopen then return state end
  local provider = redis.call('HGET', rec, 'provider')
  local created = redis.call('HGET', rec, 'createdAt')
  redis.call('ZREM', base .. ':st:' .. state, id)
  redis.call('ZADD', base .. ':st:' .. to, created, id)
  redis.call('HSET', rec, 'state', to, 'updatedAt', str(now))
  if reason ~= '' then redis.call('HSET', rec, 'reason', reason) elseif rank[to] < 9 then redis.call('HDEL', rec, 'reason') end
  if funnel[to] then redis.call('HINCRBY', base .. ':funnel:' .. provider, to, 1) end
  if rank[to] == 9 then
    redis.call('ZREM', base .. ':due', id)
    redis.call('HDEL', rec, 'sealed')
    local openKey = redis.call('HGET', rec, 'openKey')
    if openKey and redis.call('GET', openKey) == id then redis.call('DEL', openKey) end
  end
  return to
end
`;

/**
 * ARGV: base, id, now, provider, openKey ('' for none), purgeAt, horizonMs, maxEvents, event JSON,
 *       record fields JSON (flat string map), first due time ('' none), the older open notice's
 *       end state and reason, the outbox's event types, a marker key ('' none) and its TTL in ms,
 *       then index names.
 * Returns { 'created' | 'exists', state, ended older id or '' }.
 */
export const openScript = defineScript(`${prelude}
local id, now, provider, openKey = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
outboxTypes = ARGV[14]
local purgeAt, horizon, maxEvents = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local rec = base .. ':rec:' .. id
-- The caller's marker (say, a webhook-id acted on) names this id whatever the outcome.
if ARGV[15] ~= '' then redis.call('SET', ARGV[15], id, 'PX', ARGV[16]) end
local existing = redis.call('HGET', rec, 'state')
if existing then return { 'exists', existing, '' } end

local superseded = ''
if openKey ~= '' then
  local old = redis.call('GET', openKey)
  if old and old ~= id then
    local was = redis.call('HGET', base .. ':rec:' .. old, 'state')
    if was and rank[was] < 9 then
      local endAs = ARGV[12]
      move(old, endAs, ARGV[13], now)
      push(old, cjson.encode({ at = now, kind = endAs, detail = ARGV[13] .. ': ' .. id }), maxEvents)
      superseded = old
    end
  end
  redis.call('SET', openKey, id, 'PXAT', str(purgeAt))
end

local fields = cjson.decode(ARGV[10])
local flat = {}
for k, v in pairs(fields) do flat[#flat + 1] = k; flat[#flat + 1] = v end
redis.call('HSET', rec, unpack(flat))
redis.call('HSET', rec, 'id', id, 'provider', provider, 'state', 'received', 'createdAt', str(now), 'updatedAt', str(now))
if ARGV[11] ~= '' then redis.call('ZADD', base .. ':due', ARGV[11], id) end
if openKey ~= '' then redis.call('HSET', rec, 'openKey', openKey) end
redis.call('PEXPIREAT', rec, str(purgeAt))
redis.call('HINCRBY', base .. ':funnel:' .. provider, 'received', 1)
redis.call('SADD', base .. ':providers', provider)

local cutoff = '(' .. str(now - horizon)
local shared = { base .. ':all', base .. ':pv:' .. provider, base .. ':st:received' }
for _, key in ipairs(shared) do
  redis.call('ZADD', key, now, id)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
end
for i = 17, #ARGV do
  local key = base .. ':ix:' .. ARGV[i]
  redis.call('ZADD', key, now, id)
  if redis.call('PEXPIRETIME', key) < purgeAt then redis.call('PEXPIREAT', key, str(purgeAt)) end
end
push(id, ARGV[9], maxEvents)
return { 'created', 'received', superseded }
`);

/**
 * ARGV: base, id, now, to ('' = no state change), reason, event JSON, due ('' keep, 'clear', or
 *       ms), index of the notice just sent ('' none), '1' when the event names its own kind, maxEvents,
 *       record fields JSON ('' none),
 *       queue, jobId, the outbox's event types.
 * Returns { previous state, state now } or false for an unknown id.
 */
export const moveScript = defineScript(`${prelude}
local id, now, to, reason = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
outboxTypes = ARGV[14]
local rec = base .. ':rec:' .. id
local before = redis.call('HGET', rec, 'state')
if not before then return false end
local after = move(id, to, reason, now)
local event = cjson.decode(ARGV[6])
local explicit = ARGV[9] == '1'
if after ~= before then
  if not explicit then event.kind = after end
elseif not explicit then
  event.kind = nil
end
if event.kind then push(id, cjson.encode(event), tonumber(ARGV[10])) end
redis.call('HSET', rec, 'updatedAt', str(now))
if ARGV[8] ~= '' then
  local following = tonumber(ARGV[8]) + 1
  if tonumber(redis.call('HGET', rec, 'sends') or '0') < following then redis.call('HSET', rec, 'sends', str(following)) end
  redis.call('HSETNX', rec, 'notifiedAt', str(now))
end
if ARGV[11] ~= '' then
  local fields = cjson.decode(ARGV[11])
  for k, v in pairs(fields) do redis.call('HSET', rec, k, v) end
end
if ARGV[12] ~= '' then redis.call('HSET', rec, 'lastQueue', ARGV[12], 'lastJobId', ARGV[13]) end
if rank[after] < 9 then
  if ARGV[7] == 'clear' then redis.call('ZREM', base .. ':due', id)
  elseif ARGV[7] ~= '' then redis.call('ZADD', base .. ':due', ARGV[7], id) end
end
return { before, after }
`);

/**
 * Leases up to ARGV[4] notifications due by ARGV[2]: their entries move ARGV[3] ms ahead rather
 * than leaving the schedule, so a drainer that dies before acting loses nothing (the entry comes
 * due again). Acting on one (its send job, its lapse) writes its next due time or removes it.
 * ARGV: base, now, leaseMs, limit.
 */
export const leaseDueScript = defineScript(`
local due = ARGV[1] .. ':due'
local ids = redis.call('ZRANGE', due, '-inf', ARGV[2], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[4]))
local later = tonumber(ARGV[2]) + tonumber(ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', due, 'XX', string.format('%d', later), id) end
return ids
`);
