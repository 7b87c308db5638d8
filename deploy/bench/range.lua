-- wrk script: GET random aligned ranges of CHUNK bytes from PATH (a file of SIZE bytes),
-- with an optional Bearer token, and print one summary line that the scripts parse.
-- Settings come from the environment: BENCH_PATH, BENCH_SIZE, BENCH_CHUNK, BENCH_TOKEN.
local path = os.getenv("BENCH_PATH")
local size = tonumber(os.getenv("BENCH_SIZE"))
local chunk = tonumber(os.getenv("BENCH_CHUNK"))
local token = os.getenv("BENCH_TOKEN") or ""
local slots = math.floor(size / chunk)
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
end

function init(args)
   math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
   local first = math.random(0, slots - 1) * chunk
   local headers = { ["Range"] = "bytes=" .. first .. "-" .. (first + chunk - 1) }
   if token ~= "" then
      headers["Authorization"] = "Bearer " .. token
   end
   return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("WRK requests=%d bytes=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.bytes, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(99)))
end
