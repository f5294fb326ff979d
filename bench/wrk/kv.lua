-- wrk script of bench/compare.sh: GET or PUT of a uniformly chosen key among BENCH_KEYS keys named key0, key1, ...
-- Environment: BENCH_OP (get or put), BENCH_PREFIX (path before the key, such as /kv/ or /v2/keys/), BENCH_KEYS,
-- BENCH_SEED, BENCH_VALUE_SIZE (bytes of a written value), BENCH_BODY ("json" writes {"v":"xx…"} as
-- application/json; "etcd" writes the form value=xx… that etcd's v2 keys API takes), BENCH_QUERY (appended to every
-- path, such as ?r=1; empty by default).
local op = os.getenv("BENCH_OP") or "get"
local prefix = os.getenv("BENCH_PREFIX") or "/kv/"
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local seed = tonumber(os.getenv("BENCH_SEED") or "1")
local size = tonumber(os.getenv("BENCH_VALUE_SIZE") or "64")
local mode = os.getenv("BENCH_BODY") or "json"
local query = os.getenv("BENCH_QUERY") or ""
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
   local path = prefix .. "key" .. math.random(0, keys - 1) .. query
   if op == "put" then
      return wrk.format("PUT", path, headers, body)
   end
   return wrk.format("GET", path)
end
