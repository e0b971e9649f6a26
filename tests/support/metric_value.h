// metric_value(): the value of one series in a Prometheus text exposition
// (what GET /metrics and service::MetricsRegistry::render() answer), so a
// test compares a counter or gauge with its value instead of searching the
// text for "name value" (which "name 10" would also match).
//
// Thread safety: a pure function.
// Errors: none; "" when the series is not exposed.
#pragma once

#include <string>
#include <string_view>

namespace slotwise::testing {

// `series` is the name with its labels exactly as exposed, e.g.
// slotwise_refunds_failed_total or
// slotwise_query_availability_cache_total{result="hit"}.
inline std::string metric_value(std::string_view exposition, std::string_view series) {
  std::size_t at = 0;
  while (at < exposition.size()) {
    std::size_t end = exposition.find('\n', at);
    if (end == std::string_view::npos) end = exposition.size();
    const std::string_view line = exposition.substr(at, end - at);
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::string(line.substr(series.size() + 1));
    }
    at = end + 1;
  }
  return "";
}

}  // namespace slotwise::testing
