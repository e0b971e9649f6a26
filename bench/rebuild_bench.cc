// Projection rebuild benchmark (issue 6). Not a test: rebuilds projection
// `main` over a log of N booking commits (2 events each) plus 1,000
// businesses while the live projector runs and a load generator reads from
// the real slotwise-query process over HTTP, and prints:
//   - the requests served during the rebuild and how many failed (must be 0),
//   - the rebuild rate (commits/s and events/s, replay + catch-up + swap),
//   - the raw pull-fetch rate of the same commits, measured in the same run.
// The live tables are first filled by a rebuild without load (also printed).
//
//   rebuild_bench [--n N] [--readers R] [--json PATH]   (N default 500000)
#include <httplib.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "bench/bench_log.h"
#include "domain/business.h"
#include "projections/projector.h"
#include "projections/rebuild_runner.h"
#include "query-api/query_config.h"
#include "slotwise/events/v1/business.pb.h"
#include "tests/support/nats_server.h"
#include "tests/support/postgres_server.h"

namespace {

using slotwise::bench::Clock;
using slotwise::bench::Row;
using slotwise::bench::since;
namespace v1 = slotwise::events::v1;
namespace pr = slotwise::projections;

void append_businesses(slotwise::events::EventStore& store) {
  std::atomic<long> failed{0};
  for (int b = 0; b < 1000; ++b) {
    const std::string biz = "biz_bench" + std::to_string(b);
    v1::BusinessCreated c;
    c.set_business_id(biz);
    c.set_owner_user_id("usr_bench");
    c.set_slug("bench-" + std::to_string(b));
    c.mutable_profile()->set_name("Bench " + biz);
    c.set_time_zone("Europe/Berlin");
    c.set_currency("EUR");
    c.mutable_policy()->set_slot_interval_minutes(30);
    c.mutable_policy()->set_horizon_days(60);
    v1::ServiceDefined s;
    s.set_business_id(biz);
    s.set_service_id("svc_bench");
    s.mutable_definition()->set_name("Cut");
    s.mutable_definition()->set_duration_minutes(60);
    s.mutable_definition()->mutable_price()->set_amount_minor(4500);
    s.mutable_definition()->mutable_price()->set_currency("EUR");
    slotwise::events::AppendRequest r;
    r.aggregate = {"business", biz};
    r.commit_id = "bench-biz-" + std::to_string(b);
    for (const auto& e : std::vector<slotwise::domain::BusinessEvent>{c, s}) {
      auto p = slotwise::domain::to_packed(e);
      r.events.push_back({p.first, p.second});
    }
    store.append_async(std::move(r), [&](const auto& res) {
      if (!res) failed.fetch_add(1);
    });
  }
  if (!store.drain(std::chrono::minutes(5)) || failed.load() > 0) {
    throw std::runtime_error("business appends failed");
  }
}

struct Rebuilt {
  Row row;
  pr::RebuildReport report;
};

Rebuilt rebuild(const slotwise::events::EventStore& store, const std::string& url,
                const std::string& label) {
  const auto t0 = Clock::now();
  auto last_print = t0;
  auto r = pr::rebuild_projection(store, url, *pr::find_projection("main"), pr::RebuildOptions{},
                                  [&](const pr::RebuildProgress& p) {
                                    if (Clock::now() - last_print < std::chrono::seconds(5)) return;
                                    last_print = Clock::now();
                                    std::cerr << label << ": " << p.position << " of " << p.head
                                              << "\n";
                                  });
  if (!r) throw std::runtime_error(label + ": " + r.error().message);
  return {{label, static_cast<long>(r.value().events), since(t0)}, r.value()};
}

// R threads looping over public GETs until stopped; counts outcomes.
struct Load {
  std::atomic<bool> stop{false};
  std::atomic<long> ok{0};
  std::atomic<long> failed{0};
  std::vector<std::thread> threads;

  Load(int port, int readers) {
    for (int k = 0; k < readers; ++k) {
      threads.emplace_back([this, port, k] {
        httplib::Client c("127.0.0.1", port);
        c.set_tcp_nodelay(true);
        c.set_read_timeout(std::chrono::seconds(30));
        for (long i = k; !stop.load(); ++i) {
          const std::string biz = "biz_bench" + std::to_string(i % 1000);
          const std::string path =
              i % 2 == 0 ? "/v1/businesses/" + biz
                         : "/v1/businesses/" + biz +
                               "/availability?service_id=svc_bench&from=2026-12-01&to=2026-12-07";
          auto r = c.Get(path);
          (r && r->status == 200 ? ok : failed).fetch_add(1);
        }
      });
    }
  }
  void finish() {
    stop.store(true);
    for (auto& t : threads) t.join();
  }
};

}  // namespace

int main(int argc, char** argv) {
  try {
    long n = 500000;
    int readers = 4;
    std::string json;
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      if (a == "--n") n = std::stol(argv[i + 1]);
      if (a == "--readers") readers = std::stoi(argv[i + 1]);
      if (a == "--json") json = argv[i + 1];
    }
    slotwise::testing::NatsServerFixture nats;
    slotwise::testing::PostgresServerFixture pg;
    slotwise::events::StoreOptions so;
    so.connection.url = nats.url();
    auto store = slotwise::events::EventStore::open(so);
    if (!store || !store.value()->provision()) throw std::runtime_error("event store");
    auto t0 = Clock::now();
    append_businesses(*store.value());
    slotwise::bench::append_log(*store.value(), 0, n);
    const std::uint64_t commits = store.value()->state().value().last_sequence;
    std::cerr << "appended " << commits << " commits in " << since(t0) << " s\n";
    {
      pqxx::connection c(pg.url());
      pqxx::nontransaction tx(c);
      tx.exec0("CREATE DATABASE rm");
    }
    const std::string url = pg.url("rm");
    std::vector<Row> rows;
    rows.push_back(rebuild(*store.value(), url, "initial rebuild, no load").row);

    // The live side: projector (creates the query role) and slotwise-query.
    slotwise::service::Logger logger("bench", slotwise::service::LogLevel::kError);
    slotwise::service::MetricsRegistry metrics;
    pr::ProjectorOptions po;
    po.pg_url = url;
    pr::Projector projector(*store.value(), po, logger, metrics);
    std::thread projector_thread([&] { projector.run(); });
    while (projector.position() < commits)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    slotwise::testing::TempDir dir("slotwise-rebuild-bench");
    const int port = slotwise::testing::free_port();
    std::ofstream(dir.path() + "/jwt.key")
        << "bench-secret-of-at-least-thirty-two-bytes-xxxxxxxx\n";
    std::ofstream(dir.path() + "/query.conf")
        << "pg_url = " << url << "\nhttp_port = " << port << "\njwt_secret_file = " << dir.path()
        << "/jwt.key\nhttp_workers = " << readers + 8 << "\npool_size = " << readers + 2 << "\n";
    slotwise::testing::Process query({SLOTWISE_QUERY_BIN, dir.path() + "/query.conf"},
                                     dir.path() + "/query.log");
    if (!slotwise::testing::wait_for_port(port, std::chrono::seconds(20))) {
      throw std::runtime_error("slotwise-query did not start");
    }

    Load load(port, readers);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const long before = load.ok.load();
    Rebuilt measured = rebuild(*store.value(), url, "rebuild under query load");
    const long during = load.ok.load() - before;
    std::this_thread::sleep_for(std::chrono::seconds(1));
    load.finish();
    rows.push_back(measured.row);
    projector.stop();
    projector_thread.join();
    query.stop(SIGTERM);

    rows.push_back(
        slotwise::bench::raw_fetch(*store.value(), static_cast<long>(commits), "bench-raw"));
    const double events_per_commit =
        static_cast<double>(measured.report.events) / static_cast<double>(measured.report.commits);
    const double raw_events = rows[2].rate() * events_per_commit;
    std::printf("%-40s %12s %12s %10s\n", "benchmark", "commits/s", "events/s", "seconds");
    for (std::size_t i = 0; i < 2; ++i) {
      const double secs = rows[i].seconds;
      std::printf("%-40s %12.0f %12.0f %10.1f\n", rows[i].name.c_str(),
                  static_cast<double>(commits) / secs, rows[i].rate(), secs);
    }
    std::printf("%-40s %12.0f %12.0f %10.1f\n", rows[2].name.c_str(), rows[2].rate(), raw_events,
                rows[2].seconds);
    std::printf("events rebuilt: %llu; rebuild / raw fetch = %.2f\n",
                static_cast<unsigned long long>(measured.report.events),
                rows[1].rate() / raw_events);
    std::printf("query load: %ld requests ok during the rebuild, %ld ok in all, %ld failed\n",
                during, load.ok.load(), load.failed.load());
    std::printf("swap: %.1f ms with tables locked, %d attempt(s), live projector at %llu\n",
                measured.report.swap.swap_ms, measured.report.swap.attempts,
                static_cast<unsigned long long>(measured.report.swap.live_position));
    if (!json.empty()) {
      std::ofstream out(json);
      out << R"({"commits":)" << commits << R"(,"events":)" << measured.report.events
          << R"(,"rebuild_events_per_second":)" << rows[1].rate()
          << R"(,"initial_rebuild_events_per_second":)" << rows[0].rate()
          << R"(,"raw_fetch_commits_per_second":)" << rows[2].rate()
          << R"(,"raw_fetch_events_per_second":)" << raw_events << R"(,"ratio":)"
          << rows[1].rate() / raw_events << R"(,"requests_during_rebuild":)" << during
          << R"(,"requests_ok":)" << load.ok.load() << R"(,"requests_failed":)"
          << load.failed.load() << R"(,"swap_ms":)" << measured.report.swap.swap_ms << "}\n";
    }
    return load.failed.load() == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "rebuild_bench: " << e.what() << '\n';
    return 1;
  }
}
