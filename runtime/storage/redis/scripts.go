package redis

import goredis "github.com/redis/go-redis/v9"

// putScript: KEYS[1] record key, KEYS[2..] tag keys (the first ARGV[3] to
// add the id to, the rest to remove it from); ARGV[1] expected version,
// ARGV[2] data, ARGV[3] number of tags to add, ARGV[4] record id.
// Returns the new version, or -1 on a version mismatch (nothing written).
var putScript = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if cur == false then
  if ARGV[1] ~= '0' then return -1 end
elseif cur ~= ARGV[1] then
  return -1
end
local nv = tostring(tonumber(ARGV[1]) + 1)
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
local nadd = tonumber(ARGV[3])
for i = 2, #KEYS do
  if i <= nadd + 1 then
    redis.call('ZADD', KEYS[i], 0, ARGV[4])
  else
    redis.call('ZREM', KEYS[i], ARGV[4])
  end
end
return tonumber(nv)
`)

// deleteScript: KEYS[1] record key, ARGV[1] expected version.
// Returns 0 when deleted, -1 on a version mismatch, -2 when absent.
var deleteScript = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if cur == false then return -2 end
if cur ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
return 0
`)
