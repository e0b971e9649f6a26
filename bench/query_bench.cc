// Query API benchmark (issue 5). Not a test: wrk (32 connections) against
//   1. a trivial cpp-httplib handler configured like slotwise-query's server
//      (TCP_NODELAY, 32 pool threads, same keep-alive cap): the baseline;
//   2. slotwise-query's GET /healthz (its HTTP layer alone, no database);
//   3. GET /v1/businesses/avail/availability for one service over 7 days,
//      over read models the real projector built from real events;
//   4. GET /v1/businesses/list/bookings (owner token) with random windows and
//      keyset cursors, with N bookings (default 1M) stored: at 32 connections
//      (saturating the 2 cores: throughput, and the tail that queueing adds)
//      and at 4 (an unsaturated owner-dashboard load: the latency of the
//      query itself, which is what growing the table could hurt);
// all against the real slotwise-query process, in the same run. Checks a
// sample of each reply first (200, non-empty); prints a markdown table with
// rate, p50/p90/p99, non-2xx and the ratio to the baseline; writes JSON.
//
//   query_bench [--bookings N] [--seconds S] [--connections C] [--json PATH]
#include <date/date.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include <unistd.h>

#include "auth/jwt.h"
#include "bench/query_seed.h"
#include "bench/wrk_runner.h"
#include "projections/projector.h"
#include "service/http_server.h"
#include "tests/support/nats_server.h"
#include "tests/support/postgres_server.h"

namespace {

namespace bench = slotwise::bench;
using bench::WrkResult;

constexpr const char* kSecret = "bench-secret-of-at-least-thirty-two-bytes-xxxxxxxx";

// The baseline: the least a cpp-httplib server can do per request, with the
// settings service::HttpServer gives slotwise-query's listener.
class TrivialServer {
 public:
  explicit TrivialServer(std::size_t workers) {
    const slotwise::service::HttpServerOptions defaults;
    server_.set_tcp_nodelay(true);
    server_.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    server_.set_keep_alive_max_count(defaults.keep_alive_max_requests);
    server_.set_keep_alive_timeout(static_cast<time_t>(defaults.keep_alive_timeout.count()));
    server_.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"ok":true})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    if (!slotwise::testing::wait_for_port(port_, std::chrono::seconds(5))) {
      throw std::runtime_error("trivial server did not start");
    }
  }
  TrivialServer(const TrivialServer&) = delete;
  TrivialServer& operator=(const TrivialServer&) = delete;
  ~TrivialServer() {
    server_.stop();
    thread_.join();
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

rapidjson::Document get_json(httplib::Client& c, const std::string& path,
                             const httplib::Headers& h = {}) {
  auto r = c.Get(path, h);
  if (!r || r->status != 200) {
    throw std::runtime_error("GET " + path + ": " +
                             (r ? std::to_string(r->status) + " " + r->body : "no reply"));
  }
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  if (d.HasParseError()) throw std::runtime_error("GET " + path + ": not JSON");
  return d;
}

std::string day(std::int64_t unix_day) {
  return date::format("%F", date::sys_days{date::days{unix_day}});
}

// Random windows (1, 7, 30 or 365 days) over the stored span; every second
// path continues with the next_cursor of its first page. Each first page is
// fetched here, so every path is known to answer 200 with items.
std::vector<std::string> list_paths(httplib::Client& c, const std::string& auth, long bookings,
                                    int count) {
  constexpr std::int64_t kFirstDay = 19'723;      // 2024-01-01
  const std::int64_t span_days = bookings / 144;  // one booking every 10 minutes
  if (span_days < 2) throw std::runtime_error("store at least 288 bookings");
  const std::array<std::int64_t, 4> widths{1, 7, 30, 365};
  // NOLINTNEXTLINE(cert-msc51-cpp): the same windows in every run, on purpose
  std::mt19937_64 rng(20261126);
  std::vector<std::string> out;
  const httplib::Headers h{{"Authorization", auth}};
  for (int i = 0; i < count; ++i) {
    const std::int64_t w =
        std::min(widths.at(static_cast<std::size_t>(i) % widths.size()), span_days / 2);
    const std::int64_t from =
        kFirstDay + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span_days - w));
    std::string path =
        "/v1/businesses/list/bookings?from=" + day(from) + "&to=" + day(from + w - 1);
    const auto d = get_json(c, path, h);
    const auto& items = bench::json_member(d, "items");
    const auto& next = bench::json_member(d, "next_cursor");
    if (!items.IsArray() || items.Empty() || !next.IsString()) {
      throw std::runtime_error("GET " + path + ": expected a full page");
    }
    if (i % 2 == 1) path += std::string("&cursor=") + next.GetString();
    out.push_back(path);
  }
  get_json(c, out.back(), h);  // a cursor page answers too
  return out;
}

// The projector on its own thread, stopped and joined however main() ends.
struct LiveProjector {
  slotwise::projections::Projector projector;
  std::thread thread;
  LiveProjector(const slotwise::events::EventStore& store,
                slotwise::projections::ProjectorOptions o, slotwise::service::Logger& logger,
                slotwise::service::MetricsRegistry& metrics)
      : projector(store, std::move(o), logger, metrics), thread([this] { projector.run(); }) {}
  LiveProjector(const LiveProjector&) = delete;
  LiveProjector& operator=(const LiveProjector&) = delete;
  ~LiveProjector() {
    projector.stop();
    thread.join();
  }
};

// The plan of a one-week list page as ReadStore::bookings() builds it
// (read_store.cc), printed with the run so an index miss shows up at once.
void explain_list_query(const std::string& url) {
  pqxx::connection c(url);
  pqxx::read_transaction tx(c);
  const pqxx::result plan = tx.exec(
      "EXPLAIN (ANALYZE, BUFFERS) SELECT b.booking_id, s.name FROM bookings b"
      " LEFT JOIN services s ON s.business_id = b.business_id AND s.service_id = b.service_id"
      " WHERE b.business_id = 'biz_list' AND b.start_at >= to_timestamp(1735689600)"
      " AND b.start_at < to_timestamp(1736294400)"
      " AND (b.start_at, b.booking_id) > (to_timestamp(1735700000), 'bkg_list')"
      " ORDER BY b.start_at, b.booking_id LIMIT 51");
  std::cerr << "plan of a list page (2025-01-01, one week, after a cursor):\n";
  for (const auto& row : plan) std::cerr << "  " << row[0].c_str() << "\n";
}

struct Phase {
  std::string name;
  WrkResult r;
};

void print_table(const std::vector<Phase>& phases) {
  const double base = phases.front().r.rate();
  std::printf(
      "\n| phase | req/s | ratio to baseline | p50 ms | p90 ms | p99 ms | max ms |"
      " requests | non-2xx | socket errors |\n|---|---:|---:|---:|---:|---:|---:|---:|"
      "---:|---:|\n");
  for (const auto& p : phases) {
    std::printf("| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.1f | %ld | %ld | %ld |\n",
                p.name.c_str(), p.r.rate(), p.r.rate() / base, p.r.p50_ms, p.r.p90_ms, p.r.p99_ms,
                p.r.max_ms, p.r.requests, p.r.non2xx, p.r.socket_errors);
  }
}

void write_json(const std::string& path, const std::vector<Phase>& phases, long bookings,
                double seed_seconds, int connections, int seconds) {
  std::ofstream out(path);
  out << R"({"connections":)" << connections << R"(,"seconds":)" << seconds
      << R"(,"bookings_stored":)" << bookings << R"(,"bookings_seed_seconds":)" << seed_seconds
      << R"(,"phases":[)";
  const double base = phases.front().r.rate();
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const auto& r = phases[i].r;
    out << (i > 0 ? "," : "") << R"({"name":")" << phases[i].name << R"(","requests_per_second":)"
        << r.rate() << R"(,"ratio":)" << r.rate() / base << R"(,"p50_ms":)" << r.p50_ms
        << R"(,"p90_ms":)" << r.p90_ms << R"(,"p99_ms":)" << r.p99_ms << R"(,"max_ms":)" << r.max_ms
        << R"(,"requests":)" << r.requests << R"(,"non2xx":)" << r.non2xx << R"(,"socket_errors":)"
        << r.socket_errors << "}";
  }
  out << "]}\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    long bookings = 1'000'000;
    bench::WrkOptions wrk;
    std::string json;
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      if (a == "--bookings") bookings = std::stol(argv[i + 1]);
      if (a == "--seconds") wrk.seconds = std::stoi(argv[i + 1]);
      if (a == "--connections") wrk.connections = std::stoi(argv[i + 1]);
      if (a == "--json") json = argv[i + 1];
    }
    slotwise::testing::NatsServerFixture nats;
    slotwise::testing::PostgresServerFixture pg;
    slotwise::events::StoreOptions so;
    so.connection.url = nats.url();
    auto store = slotwise::events::EventStore::open(so);
    if (!store || !store.value()->provision()) throw std::runtime_error("event store");
    bench::seed_log(*store.value());
    const std::uint64_t commits = store.value()->state().value().last_sequence;
    {
      pqxx::connection c(pg.url());
      pqxx::nontransaction tx(c);
      tx.exec0("CREATE DATABASE rm");
    }
    const std::string url = pg.url("rm");

    // The real projector builds the read models (and the read-only role) from
    // the log, and stays running as in a deployment.
    slotwise::service::Logger logger("bench", slotwise::service::LogLevel::kError);
    slotwise::service::MetricsRegistry metrics;
    slotwise::projections::ProjectorOptions po;
    po.pg_url = url;
    LiveProjector projector(*store.value(), po, logger, metrics);
    while (projector.projector.position() < commits)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::cerr << "projected " << commits << " commits; storing " << bookings << " bookings\n";
    const double seed_seconds = bench::copy_bookings(url, bookings);
    // Write back what the bulk load left in the page cache now: the kernel
    // flushing ~1 GB in the middle of a phase stalls this VM's 2 cores.
    ::sync();
    std::cerr << "stored in " << seed_seconds << " s\n";
    explain_list_query(url);

    slotwise::testing::TempDir dir("slotwise-query-bench");
    const int port = slotwise::testing::free_port();
    std::ofstream(dir.path() + "/jwt.key") << kSecret << "\n";
    // slotwise-query's defaults otherwise (32 HTTP workers, 2 connections per core).
    // Experiment knob: extra config lines, e.g. "pool_size = 4".
    const char* extra = std::getenv("QUERY_BENCH_CONFIG");  // NOLINT(concurrency-mt-unsafe)
    const std::string extra_config = extra != nullptr ? extra : "";
    std::ofstream(dir.path() + "/query.conf")
        << "pg_url = " << url << "\nhttp_port = " << port << "\njwt_secret_file = " << dir.path()
        << "/jwt.key\n"
        << extra_config << "\n";
    slotwise::testing::Process query({SLOTWISE_QUERY_BIN, dir.path() + "/query.conf"},
                                     dir.path() + "/query.log");
    if (!slotwise::testing::wait_for_port(port, std::chrono::seconds(20))) {
      throw std::runtime_error("slotwise-query did not start");
    }

    const slotwise::auth::JwtCodec jwt(slotwise::auth::JwtKey::from_secret(kSecret).value(),
                                       {"slotwise", "slotwise-api", std::chrono::seconds(30)});
    const std::string auth =
        "Bearer " + jwt.issue("usr_owner",
                              std::chrono::time_point_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now()),
                              std::chrono::hours(2))
                        .value();
    const std::string avail_path = std::string("/v1/businesses/avail/availability?service_id=") +
                                   "svc_cut&from=" + bench::kWeekFrom + "&to=" + bench::kWeekTo;
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(30));
    std::size_t slots = 0;
    const auto avail_reply = get_json(client, avail_path);
    for (const auto& d : bench::json_member(avail_reply, "days").GetArray()) {
      slots += bench::json_member(d, "slots").GetArray().Size();
    }
    if (slots == 0) throw std::runtime_error("availability: no free slots");
    const auto paths = list_paths(client, auth, bookings, 2000);
    std::cerr << "checked: " << slots << " free slots in the week, " << paths.size()
              << " list paths\n";

    const std::string report = SLOTWISE_WRK_REPORT_LUA;
    std::ofstream(dir.path() + "/plain.lua") << "dofile(" << bench::lua_string(report) << ")\n";
    {
      std::ofstream list(dir.path() + "/list.lua");
      list << "auth = " << bench::lua_string(auth) << "\npaths = {\n";
      for (const auto& p : paths) list << "  " << bench::lua_string(p) << ",\n";
      list << "}\ndofile(" << bench::lua_string(report) << ")\n";
    }
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    std::vector<Phase> phases;
    // One log per phase: testing::Process appends to its log file.
    const auto measure = [&](const std::string& name, const std::string& target,
                             const std::string& script, int connections = 0) {
      const std::string log = dir.path() + "/wrk-" + std::to_string(phases.size()) + ".log";
      bench::WrkOptions o = wrk;
      if (connections > 0) o.connections = connections;
      phases.push_back({name, bench::run_wrk(target, dir.path() + "/" + script, log, o)});
    };
    {
      const TrivialServer trivial(32);
      measure("trivial cpp-httplib handler (baseline)",
              "http://127.0.0.1:" + std::to_string(trivial.port()) + "/ping", "plain.lua");
    }
    measure("slotwise-query /healthz (HTTP layer only)", base + "/healthz", "plain.lua");
    measure("availability, 1 service, 7 days", base + avail_path, "plain.lua");
    measure("bookings list, " + std::to_string(bookings) + " stored",
            base + "/v1/businesses/list/bookings", "list.lua");
    measure("bookings list, " + std::to_string(bookings) + " stored, 4 connections",
            base + "/v1/businesses/list/bookings", "list.lua", 4);
    query.stop(SIGTERM);

    std::printf(
        "wrk: %d threads, %d connections, %d s per phase; %llu commits projected;"
        " %ld bookings stored in %.1f s\n",
        wrk.threads, wrk.connections, wrk.seconds, static_cast<unsigned long long>(commits),
        bookings, seed_seconds);
    print_table(phases);
    const auto& avail = phases[2].r;
    const auto& list = phases[3].r;
    const auto& list4 = phases[4].r;
    const double ratio = avail.rate() / phases[0].r.rate();
    const bool avail_ok = ratio >= 0.5 && avail.p99_ms <= 10;
    std::printf("\navailability: ratio %.2f (target >= 0.50), p99 %.2f ms (target <= 10): %s\n",
                ratio, avail.p99_ms, avail_ok ? "met" : "MISSED");
    std::printf(
        "bookings list: p99 %.2f ms at %d connections (saturated), %.2f ms at 4 (target <= 10:"
        " %s, %s)\n",
        list.p99_ms, wrk.connections, list4.p99_ms, list.p99_ms <= 10 ? "met" : "MISSED",
        list4.p99_ms <= 10 ? "met" : "MISSED");
    if (!json.empty())
      write_json(json, phases, bookings, seed_seconds, wrk.connections, wrk.seconds);
    long bad = 0;
    for (const auto& p : phases) bad += p.r.non2xx + p.r.socket_errors;
    return bad == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "query_bench: " << e.what() << '\n';
    return 1;
  }
}
