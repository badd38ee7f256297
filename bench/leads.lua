-- wrk script for bench/serve.sh: POSTs a new lead as JSON, a different address every request,
--   {"email":"bench-<nonce>-<thread>-<counter>-<random>@example.com","consent":true,"source":"/bench/"}
-- so the leads function inserts a row each time instead of meeting a duplicate.
--
--   wrk -t1 -c1 -d10s --latency -s bench/leads.lua http://127.0.0.1:PORT/api/leads -- NONCE
--
-- NONCE (optional, e.g. `date +%s%N`) keeps addresses unique across wrk runs against the same
-- database; each wrk thread has its own Lua state, hence the thread id and the per-thread counter.

local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("id", thread_count)
end

local thread_id = 0
local counter = 0
local nonce = "0"

function init(args)
   -- `id` is the global that setup() gave this thread's Lua state.
   thread_id = tonumber(id) or 0
   if args[1] ~= nil and args[1] ~= "" then
      nonce = args[1]
   else
      nonce = tostring(os.time())
   end
   math.randomseed(os.time() + thread_id * 7919 + math.floor(os.clock() * 1000000))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

function request()
   counter = counter + 1
   local body = string.format(
      '{"email":"bench-%s-%d-%d-%d@example.com","consent":true,"source":"/bench/"}',
      nonce, thread_id, counter, math.random(1, 999999999))
   -- nil method/path/headers: wrk.format uses wrk.method, wrk.path and wrk.headers, and adds
   -- Content-Length for the body.
   return wrk.format(nil, nil, nil, body)
end
