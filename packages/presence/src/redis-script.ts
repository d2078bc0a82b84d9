/**
 * The one Lua script that applies a fact to a room in Redis, atomically: the rules of `rules.ts` (stamps are
 * computed there and passed in as decimal text; the script only compares them), so that receivers and workers
 * applying the same facts in any order end with the same state.
 *
 * KEYS: the room hash (`life`, `kind`, `kindStamp`, `fence`, `count`, `seatsAt`, `seats`), the members hash (user → `stamp`, or
 * `stamp:since` when a reconcile confirmed a stay that began earlier), the departed members' sorted set (user →
 * when the record may go).
 * ARGV: op, now (ms), ttl (ms), at (ms), kind or seat list text, stamp, fence, kind stamp, user IDs…
 * Returns what changed as a flat list: type, user ID (or '') …
 */
export const APPLY_SCRIPT = `
local room, members, departed = KEYS[1], KEYS[2], KEYS[3]
local op, now, ttl, at = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local stampText, fenceText = ARGV[6], ARGV[7]
local stamp, newFence = tonumber(stampText), tonumber(fenceText)
local changes = {}

local function stampOf(value)
  if not value then return -1 end
  return tonumber(string.match(value, '^[0-9]+'))
end
local function numberAt(key, field)
  local value = redis.call('HGET', key, field)
  if value then return tonumber(value) end
  return -1
end
-- Whether text a sorts after text b, byte by byte: Lua's '>' compares strings with
-- strcoll, which follows the locale redis-server runs in.
local function after(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
local function change(kind, user)
  changes[#changes + 1] = kind
  changes[#changes + 1] = user
end

local fence = numberAt(room, 'fence')

-- Departed members' records go once their time is up, a few per call, before
-- the fact is compared with them.
local expired = redis.call('ZRANGEBYSCORE', departed, '-inf', now, 'LIMIT', 0, 100)
for _, user in ipairs(expired) do
  if stampOf(redis.call('HGET', members, user)) % 2 == 0 then redis.call('HDEL', members, user) end
  redis.call('ZREM', departed, user)
end


-- Keeps the highest stamp per user; counts and reports a change of presence.
local function record(user, value)
  local old = redis.call('HGET', members, user)
  local oldStamp = stampOf(old)
  if oldStamp >= stamp then return end
  local was = oldStamp >= 0 and oldStamp % 2 == 1
  local present = stamp % 2 == 1
  redis.call('HSET', members, user, value)
  if present then
    redis.call('ZREM', departed, user)
  else
    redis.call('ZADD', departed, now + ttl, user)
  end
  if was ~= present then
    redis.call('HINCRBY', room, 'count', present and 1 or -1)
    change(present and 'enter' or 'leave', user)
  end
end

-- Keeps the kind of the fact with the highest kind stamp (rules.ts).
local function name()
  local kindStamp = tonumber(ARGV[8])
  local old = numberAt(room, 'kindStamp')
  if kindStamp > old or (kindStamp == old and after(ARGV[5], redis.call('HGET', room, 'kind') or '')) then
    redis.call('HSET', room, 'kind', ARGV[5], 'kindStamp', ARGV[8])
  end
end

-- Everything stamped at or below the fence is over: those members leave, the seat list goes.
local function raise()
  if newFence <= fence then return end
  fence = newFence
  redis.call('HSET', room, 'fence', fenceText)
  local all = redis.call('HGETALL', members)
  for i = 1, #all, 2 do
    local memberStamp = stampOf(all[i + 1])
    if memberStamp <= fence then
      redis.call('HDEL', members, all[i])
      redis.call('ZREM', departed, all[i])
      if memberStamp % 2 == 1 then
        redis.call('HINCRBY', room, 'count', -1)
        change('leave', all[i])
      end
    end
  end
  local seatsAt = redis.call('HGET', room, 'seatsAt')
  if seatsAt and 2 * tonumber(seatsAt) + 1 <= fence then
    redis.call('HDEL', room, 'seatsAt', 'seats')
    change('seats', '')
  end
end

if op == 'members' then
  name()
  if stamp > fence then
    for i = 9, #ARGV do record(ARGV[i], stampText) end
  end
elseif op == 'created' or op == 'destroyed' then
  name()
  local life = numberAt(room, 'life')
  if stamp > life then
    local wasOpen = life >= 0 and life % 2 == 0
    redis.call('HSET', room, 'life', stampText)
    if op == 'created' then
      if not wasOpen then change('room.created', '') end
    else
      if wasOpen then change('room.destroyed', '') end
    end
  end
  raise()
elseif op == 'seats' then
  if stamp > fence then
    local oldAt = numberAt(room, 'seatsAt')
    local old = redis.call('HGET', room, 'seats')
    local atNumber = tonumber(at)
    if atNumber > oldAt or (atNumber == oldAt and old and after(ARGV[5], old)) then
      redis.call('HSET', room, 'seatsAt', at, 'seats', ARGV[5])
      if ARGV[5] ~= old then change('seats', '') end
    end
  end
elseif op == 'reconcile' then
  -- Of two reconciles of one ms, either order keeps the users of both lists.
  if newFence >= fence then
    for i = 9, #ARGV do
      local old = redis.call('HGET', members, ARGV[i])
      local oldStamp = stampOf(old)
      local value = stampText
      if oldStamp >= 0 and oldStamp % 2 == 1 then
        local since = string.match(old, ':([0-9]+)$') or string.format('%.0f', math.floor(oldStamp / 2))
        if since ~= at then value = stampText .. ':' .. since end
      end
      record(ARGV[i], value)
    end
    raise()
  end
end

-- A closed room without members is forgotten after the ttl; any other is kept.
local life = numberAt(room, 'life')
if numberAt(room, 'count') <= 0 and not (life >= 0 and life % 2 == 0) then
  redis.call('PEXPIRE', room, ttl)
  redis.call('PEXPIRE', members, ttl)
  redis.call('PEXPIRE', departed, ttl)
else
  redis.call('PERSIST', room)
  redis.call('PERSIST', members)
  redis.call('PERSIST', departed)
end
return changes
`

/** Takes a room off the index, unless it was touched after `cutoff`. KEYS: the index. ARGV: room ID, cutoff (ms). */
export const FORGET_SCRIPT = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) < tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`
