-- wrk script of bench/compare.sh: GET of a uniformly chosen key among KEYS keys named key0, key1, ...
-- Environment: BENCH_PREFIX (path before the key, such as /kv/ or /v2/keys/), BENCH_KEYS, BENCH_SEED.
local prefix = os.getenv("BENCH_PREFIX") or "/kv/"
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local seed = tonumber(os.getenv("BENCH_SEED") or "1")
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

function init(args)
   math.randomseed(seed * 1000 + (id or 0))
end

function request()
   return wrk.format("GET", prefix .. "key" .. math.random(0, keys - 1))
end
