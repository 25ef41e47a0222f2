"""The Lua scripts of the shared frontier: each step that must not interleave with another
worker's runs inside Redis, atomically. Times come from Redis (`TIME`), never from a worker's
clock, so machines whose clocks disagree still agree on leases and politeness."""

NOW_MS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# Pop the best request and record it as in flight under this worker, in one step: a request is
# always in the queue, in flight, or finished; never nowhere. An entry over ARGV[2] bytes is not
# one of ours (archive/frontier/wire.py): it is dropped here and counted in KEYS[5], so a huge
# entry is never copied to a worker.
# KEYS: queue, inflight, owners, scores, rejected. ARGV: worker, max bytes.
# -> {id, payload}, {'', size} for a dropped entry, or nil when the queue is empty
POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return nil end
redis.call('ZREM', KEYS[1], top[1])
if string.len(top[1]) > tonumber(ARGV[2]) then
  redis.call('HINCRBY', KEYS[5], 'too-large', 1)
  return {'', tostring(string.len(top[1]))}
end
local id = redis.sha1hex(top[1])
redis.call('HSET', KEYS[2], id, top[1])
redis.call('HSET', KEYS[3], id, ARGV[1])
redis.call('HSET', KEYS[4], id, top[2])
return {id, top[1]}
"""

# Take the lease on a URL for this cycle, unless it is fetched already or leased by another.
# KEYS: lease, done, fps. ARGV: worker, fingerprint, id, lease ms. -> 1 taken, 0 not
CLAIM = """
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then return 0 end
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
return 1
"""

# Forget an in-flight entry (finished, or dropped as a duplicate); mark its URL fetched.
# KEYS: inflight, owners, fps, scores, done, lease (or the same key twice). ARGV: id, fp or ''
FINISH = """
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('SADD', KEYS[5], ARGV[2])
  redis.call('DEL', KEYS[6])
end
return 1
"""

# Put one popped request back in the queue untouched (this worker has enough for its host).
# KEYS: queue, inflight, owners, scores, fps. ARGV: id
PUT_BACK = """
local payload = redis.call('HGET', KEYS[2], ARGV[1])
if payload then
  redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], ARGV[1]) or 0, payload)
end
for i = 2, 5 do redis.call('HDEL', KEYS[i], ARGV[1]) end
return 1
"""

# Put back every in-flight request whose worker is gone (its liveness key expired), or, with
# ARGV[2] set, every one of the worker ARGV[2] (a worker that stops cleanly hands its work back).
# KEYS: queue, inflight, owners, scores, done, fps. ARGV: alive-key prefix, worker or ''.
REQUEUE = """
local owners = redis.call('HGETALL', KEYS[3])
local moved = 0
for i = 1, #owners, 2 do
  local id, owner = owners[i], owners[i + 1]
  local gone
  if ARGV[2] ~= '' then gone = (owner == ARGV[2])
  else gone = (redis.call('EXISTS', ARGV[1] .. owner) == 0) end
  if gone then
    local payload = redis.call('HGET', KEYS[2], id)
    local fp = redis.call('HGET', KEYS[6], id)
    local finished = fp and redis.call('SISMEMBER', KEYS[5], fp) == 1
    if payload and not finished then
      redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], id) or 0, payload)
      moved = moved + 1
    end
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
    redis.call('HDEL', KEYS[6], id)
  end
end
return moved
"""

# One politeness slot on a host, shared by every worker: at most ARGV[2] requests at once and
# ARGV[3] ms between the starts of two. Slots of a dead worker expire after ARGV[4] ms.
# KEYS: slots, next. ARGV: token, limit, delay ms, ttl ms. -> 0 taken, -1 full, N: wait N ms
ACQUIRE_HOST = NOW_MS + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local ready = tonumber(redis.call('GET', KEYS[2]) or '0')
if ready > now then return ready - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) * 2)
local delay = tonumber(ARGV[3])
if delay > 0 then redis.call('SET', KEYS[2], now + delay, 'PX', delay + 1000) end
return 0
"""

# Keep held slots from expiring. KEYS: slots. ARGV: ttl ms, token...
RENEW_HOST = NOW_MS + """
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 1
"""
