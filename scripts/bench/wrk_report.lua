-- wrk script of make bench: counts answers that are not 2xx (wrk itself counts only >= 400,
-- so a redirect to the login form would look fast) and prints one JSON line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  redirects = 0
  last_status = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    last_status = status
    if status >= 300 and status < 400 then
      redirects = redirects + 1
    end
  end
end

function done(summary, latency, requests)
  local bad, moved, status = 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    moved = moved + thread:get("redirects")
    if thread:get("last_status") ~= 0 then status = thread:get("last_status") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, ' ..
    '"redirects": %d, "last_bad_status": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, bad, moved, status, e.connect,
    e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
