-- wrk's summary as one JSON line, with the percentiles wrk's own report leaves out
-- (p95, p99.9).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "p999_us": %d, "max_us": %d, "non_2xx_3xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency:percentile(99.9),
    latency.max,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout
  ))
end
