-- wrk script for the query benchmark (bench/query_bench.cc). done() prints
-- one line "WRK_JSON {...}" with the counts and latency percentiles (µs) so
-- the benchmark parses numbers instead of wrk's human-readable table.
-- A generated script may define `paths` (request paths picked at random per
-- request) and `auth` (an Authorization header) before loading this file.

init = function(args)
  -- Each wrk thread has its own Lua state; a table's address differs per
  -- state, so the threads do not walk the same random sequence.
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
  if auth then
    wrk.headers["Authorization"] = auth
  end
end

if paths then
  request = function()
    return wrk.format("GET", paths[math.random(#paths)])
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
