-- wrk script of bench/compare.sh: PUT of a uniformly chosen key among KEYS keys named key0, key1, ...
-- Environment: BENCH_PREFIX (path before the key), BENCH_KEYS, BENCH_SEED, BENCH_VALUE_SIZE (bytes of the
-- value), BENCH_BODY ("json" sends {"v":"xx…"} as application/json; "etcd" sends the form value=xx… that
-- etcd's v2 keys API takes).
local prefix = os.getenv("BENCH_PREFIX") or "/kv/"
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local seed = tonumber(os.getenv("BENCH_SEED") or "1")
local size = tonumber(os.getenv("BENCH_VALUE_SIZE") or "64")
local mode = os.getenv("BENCH_BODY") or "json"
local counter = 0

local body, headers
if mode == "etcd" then
   body = "value=" .. string.rep("x", size)
   headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
else
   body = '{"v":"' .. string.rep("x", size - 8) .. '"}'
   headers = { ["Content-Type"] = "application/json" }
end

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

function init(args)
   math.randomseed(seed * 1000 + (id or 0))
end

function request()
   return wrk.format("PUT", prefix .. "key" .. math.random(0, keys - 1), headers, body)
end
