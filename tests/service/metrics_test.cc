// MetricsRegistry: exact Prometheus text exposition for a small registry.
#include "service/metrics.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using slotwise::service::MetricsRegistry;

TEST_CASE("a small registry renders exactly in text format 0.0.4") {
  MetricsRegistry registry;
  auto& requests =
      registry.counter_family("http_requests_total", "Requests answered.", {"route", "status"});
  auto& latency =
      registry.histogram_family("http_request_duration_seconds", "Latency.", {"route"}, {0.1, 1});
  auto& cache = registry.gauge("cache_entries", "Entries in the cache.");
  requests.with({"/v1/bookings", "201"}).inc();
  requests.with({"/v1/bookings", "201"}).inc(2);
  requests.with({"/healthz", "200"}).inc();
  latency.with({"/v1/bookings"}).observe(0.05);
  latency.with({"/v1/bookings"}).observe(0.1);  // le is inclusive
  latency.with({"/v1/bookings"}).observe(0.5);
  latency.with({"/v1/bookings"}).observe(3);
  cache.set(7);
  cache.add(-2);

  CHECK(registry.render() ==
        "# HELP http_requests_total Requests answered.\n"
        "# TYPE http_requests_total counter\n"
        "http_requests_total{route=\"/healthz\",status=\"200\"} 1\n"
        "http_requests_total{route=\"/v1/bookings\",status=\"201\"} 3\n"
        "# HELP http_request_duration_seconds Latency.\n"
        "# TYPE http_request_duration_seconds histogram\n"
        "http_request_duration_seconds_bucket{route=\"/v1/bookings\",le=\"0.1\"} 2\n"
        "http_request_duration_seconds_bucket{route=\"/v1/bookings\",le=\"1\"} 3\n"
        "http_request_duration_seconds_bucket{route=\"/v1/bookings\",le=\"+Inf\"} 4\n"
        "http_request_duration_seconds_sum{route=\"/v1/bookings\"} 3.65\n"
        "http_request_duration_seconds_count{route=\"/v1/bookings\"} 4\n"
        "# HELP cache_entries Entries in the cache.\n"
        "# TYPE cache_entries gauge\n"
        "cache_entries 5\n");
}

TEST_CASE("label values and help text are escaped") {
  MetricsRegistry registry;
  registry.counter_family("c_total", "Line one\nback\\slash \"quoted\"", {"v"})
      .with({"a\"b\\c\nd"})
      .inc();
  CHECK(registry.render() ==
        "# HELP c_total Line one\\nback\\\\slash \"quoted\"\n"
        "# TYPE c_total counter\n"
        "c_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST_CASE("a label-less metric renders from the start; an unused family has no series") {
  MetricsRegistry registry;
  registry.counter("appends_total", "Appends.");
  registry.histogram("append_seconds", "Append latency.", {0.5});
  registry.counter_family("conflicts_total", "Conflicts.", {"kind"});
  CHECK(registry.render() ==
        "# HELP appends_total Appends.\n"
        "# TYPE appends_total counter\n"
        "appends_total 0\n"
        "# HELP append_seconds Append latency.\n"
        "# TYPE append_seconds histogram\n"
        "append_seconds_bucket{le=\"0.5\"} 0\n"
        "append_seconds_bucket{le=\"+Inf\"} 0\n"
        "append_seconds_sum 0\n"
        "append_seconds_count 0\n"
        "# HELP conflicts_total Conflicts.\n"
        "# TYPE conflicts_total counter\n");
}

TEST_CASE("registering the same family again returns it") {
  MetricsRegistry registry;
  auto& a = registry.counter_family("x_total", "X.", {"k"});
  auto& b = registry.counter_family("x_total", "X.", {"k"});
  CHECK(&a == &b);
  CHECK(&a.with({"1"}) == &b.with({"1"}));
}

TEST_CASE("default latency buckets are ascending seconds from 0.5 ms to 10 s") {
  const auto buckets = slotwise::service::default_latency_buckets();
  REQUIRE(buckets.size() == 14);
  CHECK(buckets.front() == 0.0005);
  CHECK(buckets.back() == 10.0);
  for (std::size_t i = 1; i < buckets.size(); ++i) CHECK(buckets[i - 1] < buckets[i]);
}

TEST_CASE("concurrent increments and observations are all counted") {
  MetricsRegistry registry;
  auto& family = registry.counter_family("n_total", "N.", {"t"});
  auto& hist = registry.histogram("h_seconds", "H.", {1});
  constexpr int kThreads = 8;
  constexpr int kIncrements = 10000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        family.with({"same"}).inc();
        hist.observe(0.25);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(family.with({"same"}).value() == kThreads * kIncrements);
  CHECK(hist.cumulative_counts().back() == kThreads * kIncrements);
  CHECK(hist.sum() == 0.25 * kThreads * kIncrements);
}
