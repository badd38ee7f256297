-- wrk script for bench/serve.sh: marks one lesson complete as a signed-in learner, every request
--   PUT /api/progress/lessons/<id>   {"completed":true}
-- with the browser session cookie and its CSRF token (bench/learner_session.py makes both).
-- PUT is idempotent: after the first request each one re-reads the learner's state and changes
-- nothing, which is what a resent click costs.
--
--   wrk -t1 -c16 -d10s --latency -s bench/progress.lua \
--       http://127.0.0.1:PORT/api/progress/lessons/ai-marketing%2Ffoundations%2Fhow-llms-write -- SESSION CSRF
--
-- After the run it prints any answer other than 200 by status, with the first such body: wrk
-- itself only counts them ("Non-2xx or 3xx responses").

wrk.method = "PUT"
wrk.body = '{"completed":true}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   if args[1] == nil or args[2] == nil then
      error("bench/progress.lua needs two arguments after --: the lectern_session cookie value and the CSRF token")
   end
   -- wrk builds the request once, after init(), from wrk.method, wrk.path, wrk.headers and wrk.body.
   wrk.headers["Cookie"] = "lectern_session=" .. args[1]
   wrk.headers["X-CSRF-Token"] = args[2]
end

-- Per thread (each has its own Lua state); done() reads them through thread:get().
other_statuses = {}
first_other = nil

function response(status, headers, body)
   if status ~= 200 then
      other_statuses[status] = (other_statuses[status] or 0) + 1
      if first_other == nil then
         first_other = status .. " " .. string.sub(body or "", 1, 300)
      end
   end
end

function done(summary, latency, requests)
   for _, thread in ipairs(threads) do
      local statuses = thread:get("other_statuses") or {}
      for status, count in pairs(statuses) do
         io.write(string.format("Status %d: %d responses\n", status, count))
      end
      local sample = thread:get("first_other")
      if sample ~= nil then
         io.write("First answer other than 200: " .. sample .. "\n")
      end
   end
end
