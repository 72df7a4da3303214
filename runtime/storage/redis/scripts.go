package redis

import goredis "github.com/redis/go-redis/v9"

// putScript: KEYS[1] record key, ARGV[1] expected version, ARGV[2] data.
// Returns the new version, or -1 on a version mismatch.
var putScript = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if cur == false then
  if ARGV[1] ~= '0' then return -1 end
elseif cur ~= ARGV[1] then
  return -1
end
local nv = tostring(tonumber(ARGV[1]) + 1)
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
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
