// Projection catch-up benchmark (issue 5). Not a test: prints a table and
// writes JSON with the projector's catch-up rate and its ratio to two
// baselines measured in the same run against the same local servers:
//   raw pull-fetch   DurableSubscription fetch (batch 2000) + ack, no database
//   raw COPY         pqxx::stream_to of one booking-sized row per commit
// The projector applies each commit (a booking created + confirmed: two
// events, one booking row, two history rows, stats and customer upserts).
// Then the live lag (bench/live_lag.h): appends at --rate events/s (default
// 5,000) for --seconds (default 10) with the projector caught up; lag from
// append to the batch's change notice, p50/p99/max, against the appends'
// own ack latency.
//
//   projection_bench [--n N] [--rate EVENTS_PER_S] [--seconds S] [--json PATH]
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench/bench_log.h"
#include "bench/live_lag.h"
#include "projections/projector.h"
#include "tests/support/nats_server.h"
#include "tests/support/postgres_server.h"

namespace {

using slotwise::bench::Clock;
using slotwise::bench::raw_fetch;
using slotwise::bench::Row;
using slotwise::bench::since;

Row raw_copy(const std::string& url, long n) {
  pqxx::connection c(url);
  {
    pqxx::work tx(c);
    tx.exec0(
        "CREATE TABLE copy_bench (booking_id text, business_id text, service_id text,"
        " status text, start_at timestamptz, end_at timestamptz, customer_email text,"
        " price_minor bigint, version bigint)");
    tx.commit();
  }
  const auto t0 = Clock::now();
  pqxx::work tx(c);
  pqxx::stream_to s(tx, "copy_bench");
  for (long i = 0; i < n; ++i) {
    s << std::make_tuple("bkg_bench" + std::to_string(i), "biz_bench" + std::to_string(i % 1000),
                         std::string("svc_bench"), std::string("confirmed"),
                         std::string("2026-10-01T10:00:00Z"), std::string("2026-10-01T11:00:00Z"),
                         "c" + std::to_string(i % 5000) + "@example.com", 4500L, i);
  }
  s.complete();
  tx.commit();
  return {"raw COPY (stream_to), 1 row per commit", n, since(t0)};
}

Row projector_catch_up(const slotwise::events::EventStore& store, const std::string& url,
                       std::uint64_t last, long n) {
  slotwise::service::Logger logger("bench", slotwise::service::LogLevel::kError);
  slotwise::service::MetricsRegistry metrics;
  slotwise::projections::ProjectorOptions o;
  o.pg_url = url;
  o.consumer.durable_name = "bench-projector";
  slotwise::projections::Projector p(store, o, logger, metrics);
  const auto t0 = Clock::now();
  std::thread t([&] { p.run(); });
  while (p.position() < last) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const double s = since(t0);
  p.stop();
  t.join();
  const std::string text = metrics.render();
  std::size_t at = 0;
  while ((at = text.find("slotwise_projection_batch_seconds_", at)) != std::string::npos) {
    const std::size_t end = text.find('\n', at);
    std::cerr << text.substr(at, end - at) << '\n';
    at = end;
  }
  return {"projector catch-up (commits of 2 events)", n, s};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    long n = 50000;
    int rate = 5000;
    int seconds = 10;
    std::string json;
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      if (a == "--n") n = std::stol(argv[i + 1]);
      if (a == "--rate") rate = std::stoi(argv[i + 1]);
      if (a == "--seconds") seconds = std::stoi(argv[i + 1]);
      if (a == "--json") json = argv[i + 1];
    }
    slotwise::testing::NatsServerFixture nats;
    slotwise::testing::PostgresServerFixture pg;
    slotwise::events::StoreOptions so;
    so.connection.url = nats.url();
    auto store = slotwise::events::EventStore::open(so);
    if (!store || !store.value()->provision()) throw std::runtime_error("event store");
    slotwise::bench::append_log(*store.value(), 0, n);
    const std::uint64_t last = store.value()->state().value().last_sequence;
    {
      pqxx::connection c(pg.url());
      pqxx::nontransaction tx(c);
      tx.exec0("CREATE DATABASE copy");
      tx.exec0("CREATE DATABASE rm");
    }
    std::vector<Row> rows;
    rows.push_back(raw_fetch(*store.value(), n, "bench-raw"));
    rows.push_back(raw_copy(pg.url("copy"), n));
    rows.push_back(projector_catch_up(*store.value(), pg.url("rm"), last, n));
    const double lower = std::min(rows[0].rate(), rows[1].rate());
    std::printf("%-45s %12s %10s\n", "benchmark", "ops/s", "ratio");
    for (const Row& r : rows) std::printf("%-45s %12.0f\n", r.name.c_str(), r.rate());
    std::printf("projector / min(raw fetch, raw COPY) = %.2f\n", rows[2].rate() / lower);
    const slotwise::bench::LagResult lag = slotwise::bench::live_lag(
        *store.value(), pg.url("rm"), n, std::max(1, rate / 2), std::max(1, seconds));
    std::printf(
        "\nlive lag at %.0f events/s (%ld commits of 2 events, projector caught up):\n"
        "%-45s %8s %8s %8s\n%-45s %8.2f %8.2f %8s\n%-45s %8.2f %8.2f %8.2f\n"
        "live lag p99 %.2f ms (target <= 50): %s\n",
        lag.events_per_second, lag.commits, "latency (ms)", "p50", "p99", "max",
        "append acknowledged (baseline)", lag.append_p50_ms, lag.append_p99_ms, "",
        "append -> visible in the read models", lag.lag_p50_ms, lag.lag_p99_ms, lag.lag_max_ms,
        lag.lag_p99_ms, lag.lag_p99_ms <= 50 ? "met" : "MISSED");
    if (!json.empty()) {
      std::ofstream out(json);
      out << R"({"n":)" << n << R"(,"results":[)";
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i > 0) out << ',';
        out << R"({"name":")" << rows[i].name << R"(","ops":)" << rows[i].ops << R"(,"seconds":)"
            << rows[i].seconds << R"(,"ops_per_second":)" << rows[i].rate() << "}";
      }
      out << R"(],"catch_up_ratio_to_lower_baseline":)" << rows[2].rate() / lower
          << R"(,"live":{"events_per_second":)" << lag.events_per_second << R"(,"commits":)"
          << lag.commits << R"(,"append_p50_ms":)" << lag.append_p50_ms << R"(,"append_p99_ms":)"
          << lag.append_p99_ms << R"(,"lag_p50_ms":)" << lag.lag_p50_ms << R"(,"lag_p99_ms":)"
          << lag.lag_p99_ms << R"(,"lag_max_ms":)" << lag.lag_max_ms << "}}\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "projection_bench: " << e.what() << '\n';
    return 1;
  }
}
