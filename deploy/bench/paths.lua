-- wrk script: GET the paths listed in the file BENCH_PATHS (one a line) in turn, each
-- thread starting at its own place in the list, with an optional Bearer token, and print
-- the summary line the scripts parse (as range.lua). Settings come from the environment:
-- BENCH_PATHS, BENCH_TOKEN.
local token = os.getenv("BENCH_TOKEN") or ""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
   if line ~= "" then
      paths[#paths + 1] = line
   end
end
local counter = 0
local next = 0

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
end

function init(args)
   next = ((tid or 1) - 1) * 7 % #paths
end

function request()
   next = next % #paths + 1
   local headers = {}
   if token ~= "" then
      headers["Authorization"] = "Bearer " .. token
   end
   return wrk.format("GET", paths[next], headers)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("WRK requests=%d bytes=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.bytes, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(99)))
end
