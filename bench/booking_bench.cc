// Booking benchmark (issue 4, "Must show"). Not a test: prints a table and
// writes JSON, each figure with its baseline measured in the same run.
//
//   booking_bench --command BIN [--seconds S] [--connections C]
//                 [--businesses B] [--rss-businesses N] [--client wrk|threads]
//                 [--json PATH]
//
// The load client (phases 2 and 3 alike) is Debian's wrk by default, with a
// generated Lua script that gives each wrk thread its own businesses and
// books their slots in order; `--client threads` uses one blocking
// cpp-httplib client thread per connection instead (64 threads on a 2-core
// machine: the client then takes ~30 % of the CPU the server could use).
//
// Phases, each against a fresh local nats-server:
//  1. baseline: raw JetStream sync publish rate (one publisher, as a
//     one-at-a-time command side would append);
//  2. baseline: the trivial cpp-httplib handler (service::HttpServer with a
//     POST route answering {}), loaded by the same client as phase 3;
//  3. the real slotwise-command process: B businesses set up over HTTP, then
//     C keep-alive connections POST bookings spread over them for S seconds;
//     throughput, p50/p99 latency, failures;
//  4. RSS: N businesses created (slug claim + business + service), then
//     every one touched by a booking so its aggregates are cached; the
//     process's VmRSS is read from /proc.
#include <httplib.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>

#include "bench/http_load.h"
#include "bench/wrk_runner.h"
#include "tests/support/nats_server.h"
#include "tests/support/process.h"

namespace {

struct Options {
  std::string command_binary;
  int seconds = 10;
  int connections = 64;
  int businesses = 1000;
  int rss_businesses = 100000;
  std::string client = "wrk";
  std::string json_path;
};

using Clock = slotwise::bench::LoadClock;
using slotwise::bench::Load;

double since(Clock::time_point t0) { return slotwise::bench::seconds_since(t0); }

void check(bool ok, const std::string& what) { slotwise::bench::require(ok, what); }

// `connections` threads, each with one keep-alive client, call
// make_request(thread, i) for `seconds`; a request counts when
// accept(status) holds.
template <class MakeRequest>
Load run_load(int port, int connections, int seconds, MakeRequest make_request) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  std::vector<long> ok(static_cast<std::size_t>(connections), 0);
  std::vector<long> failed(static_cast<std::size_t>(connections), 0);
  std::vector<std::thread> threads;
  threads.reserve(64);
  const auto t0 = Clock::now();
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_tcp_nodelay(true);
      client.set_keep_alive(true);
      client.set_read_timeout(std::chrono::seconds(30));
      auto& lat = latencies[static_cast<std::size_t>(t)];
      lat.reserve(200000);
      for (long i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        auto [path, body, headers] = make_request(t, i);
        const auto s = Clock::now();
        auto r = client.Post(path, headers, body, "application/json");
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        if (r && (r->status == 200 || r->status == 201)) {
          ++ok[static_cast<std::size_t>(t)];
        } else {
          ++failed[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& th : threads) th.join();
  Load load;
  load.seconds = since(t0);
  for (std::size_t t = 0; t < latencies.size(); ++t) {
    load.ok += ok[t];
    load.failed += failed[t];
  }
  slotwise::bench::set_percentiles(load, latencies);
  return load;
}

// A wrk run as a Load: 2xx responses count, anything else is a failure.
Load from_wrk(const slotwise::bench::WrkResult& w) {
  Load l;
  l.failed = w.non2xx + w.socket_errors;
  l.ok = std::max(0L, w.requests - w.non2xx);
  l.seconds = w.seconds;
  l.p50_ms = w.p50_ms;
  l.p99_ms = w.p99_ms;
  return l;
}

Load run_wrk_script(const Options& o, int port, const std::string& path, const std::string& script,
                    const std::string& log) {
  slotwise::bench::WrkOptions w;
  w.threads = 2;
  w.connections = o.connections;
  w.seconds = o.seconds;
  return from_wrk(
      slotwise::bench::run_wrk("http://127.0.0.1:" + std::to_string(port) + path, script, log, w));
}

Load trivial_handler(const Options& o, const slotwise::testing::TempDir& dir) {
  const slotwise::bench::TrivialServer server("/v1/trivial", o.connections);
  if (o.client == "wrk") {
    const std::string script = dir.path() + "/trivial.lua";
    std::ofstream(script) << "dofile(" << slotwise::bench::lua_string(SLOTWISE_WRK_REPORT_LUA)
                          << ")\n"
                          << "wrk.method = \"POST\"\n"
                          << "wrk.body = \"{}\"\n"
                          << "wrk.headers[\"Content-Type\"] = \"application/json\"\n";
    return run_wrk_script(o, server.port(), "/v1/trivial", script, dir.path() + "/trivial.log");
  }
  return run_load(server.port(), o.connections, o.seconds, [](int, long) {
    return std::tuple<std::string, std::string, httplib::Headers>{"/v1/trivial", "{}", {}};
  });
}

struct Command {
  slotwise::testing::Process process;
  int port = 0;
};

Command start_command(const Options& o, const std::string& nats_url,
                      const slotwise::testing::TempDir& dir) {
  Command c;
  c.port = slotwise::testing::free_port();
  const std::string secret = dir.path() + "/jwt.key";
  std::ofstream(secret) << "bench-secret-of-at-least-thirty-two-bytes-xxxxxxxx\n";
  const std::string config = dir.path() + "/command.conf";
  std::ofstream(config) << "nats_url = " << nats_url << "\nhttp_port = " << c.port
                        << "\njwt_secret_file = " << secret
                        << "\nhttp_workers = " << o.connections + 16
                        << "\ncache_aggregates = 300000"
                        // Every booking comes from this machine: the
                        // benchmark measures bookings, not the rate limits.
                        << "\nbooking_address_burst = 0\nbooking_customer_burst = 0\n";
  c.process = slotwise::testing::Process({o.command_binary, "--config", config},
                                         dir.path() + "/command.log");
  check(slotwise::testing::wait_for_port(c.port, std::chrono::seconds(20)), "command start");
  return c;
}

std::string json_field(const std::string& body, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto at = body.find(key);
  if (at == std::string::npos) return {};
  const auto end = body.find('"', at + key.size());
  return body.substr(at + key.size(), end - at - key.size());
}

struct Business {
  std::string id;
  std::string service;
};

// Creates `count` businesses open 24/7 with a 15-minute service, using
// `threads` parallel clients; `with_hours` adds the weekly schedule.
std::vector<Business> create_businesses(int port, const std::string& token, int count, int threads,
                                        const std::string& prefix) {
  std::vector<Business> out(static_cast<std::size_t>(count));
  const std::string schedule = slotwise::bench::open_all_week_schedule_json();
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  pool.reserve(64);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_tcp_nodelay(true);
      client.set_keep_alive(true);
      const httplib::Headers auth{{"Authorization", "Bearer " + token}};
      for (int i = next++; i < count; i = next++) {
        auto b = client.Post(
            "/v1/businesses", auth,
            R"({"slug":")" + prefix + std::to_string(i) +
                R"(","name":"B","time_zone":"UTC","currency":"EUR","policy":{"slot_interval_minutes":15,"min_notice_minutes":0,"horizon_days":365}})",
            "application/json");
        check(b && b->status == 201, "create business");
        Business& biz = out[static_cast<std::size_t>(i)];
        biz.id = json_field(b->body, "business_id");
        auto s = client.Post("/v1/businesses/" + biz.id + "/services", auth,
                             R"({"name":"S","duration_minutes":15,"price_minor":0})",
                             "application/json");
        check(s && s->status == 201, "define service");
        biz.service = json_field(s->body, "service_id");
        auto h = client.Put("/v1/businesses/" + biz.id + "/schedule", auth, schedule,
                            "application/json");
        check(h && h->status == 200, "schedule");
      }
    });
  }
  for (auto& t : pool) t.join();
  return out;
}

std::string signup(int port) {
  httplib::Client client("127.0.0.1", port);
  auto r = client.Post("/v1/auth/signup",
                       R"({"email":"bench@example.com","password":"benchmark","name":"B"})",
                       "application/json");
  check(r && r->status == 201, "signup");
  return json_field(r->body, "token");
}

// Slot k of a business: 15-minute steps from tomorrow 00:00 UTC.
std::string slot_start(long k) {
  const auto base = date::floor<date::days>(std::chrono::system_clock::now()) + date::days(1);
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::time_point_cast<std::chrono::seconds>(
                                                base + std::chrono::minutes(15 * k)));
}

// The wrk script of the booking phase: each wrk thread takes every
// threads-th business and books slot 0 of each of them, then slot 1, ...
// (the order the threaded client uses per connection), so no two requests
// ask for the same slot and none is refused for a conflict.
void write_booking_script(const std::string& path, const std::vector<Business>& businesses,
                          int wrk_threads, long slots) {
  using slotwise::bench::lua_string;
  std::ofstream out(path);
  out << "dofile(" << lua_string(SLOTWISE_WRK_REPORT_LUA) << ")\n"
      << "local businesses = {\n";
  for (const Business& b : businesses) {
    out << "  {" << lua_string(b.id) << ", " << lua_string(b.service) << "},\n";
  }
  out << "}\nlocal slots = {\n";
  for (long k = 0; k < slots; ++k) out << "  " << lua_string(slot_start(k)) << ",\n";
  out << "}\n"
      << "local threads = " << wrk_threads << "\n"
      << "local started = 0\n"
      << "setup = function(thread)\n"
      << "  thread:set(\"tid\", started)\n"
      << "  started = started + 1\n"
      << "end\n"
      << "local mine = {}\n"
      << "local count = 0\n"
      << "init = function(args)\n"
      << "  for i, b in ipairs(businesses) do\n"
      << "    if (i - 1) % threads == tid then mine[#mine + 1] = b end\n"
      << "  end\n"
      << "  wrk.headers[\"Content-Type\"] = \"application/json\"\n"
      << "end\n"
      << "request = function()\n"
      << "  local b = mine[count % #mine + 1]\n"
      << "  local s = slots[math.floor(count / #mine) + 1]\n"
      << "  count = count + 1\n"
      << "  return wrk.format(\"POST\", \"/v1/businesses/\" .. b[1] .. \"/bookings\", nil,\n"
      << "    '{\"service_id\":\"' .. b[2] .. '\",\"start\":\"' .. s ..\n"
      << "    '\",\"customer\":{\"name\":\"C\",\"email\":\"c@example.com\"}}')\n"
      << "end\n";
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o;
    CLI::App app{"booking benchmark (issue 4): bookings/s through slotwise-command"};
    app.add_option("--command", o.command_binary, "the slotwise-command binary")->required();
    app.add_option("--seconds", o.seconds, "seconds per phase")->check(CLI::PositiveNumber);
    app.add_option("--connections", o.connections, "HTTP connections")->check(CLI::PositiveNumber);
    app.add_option("--businesses", o.businesses, "businesses booked into")
        ->check(CLI::PositiveNumber);
    app.add_option("--rss-businesses", o.rss_businesses, "businesses for the RSS measurement")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--client", o.client, "load client: wrk, or threads (cpp-httplib)")
        ->check(CLI::IsMember({"wrk", "threads"}));
    app.add_option("--json", o.json_path, "where to write the JSON results");
    CLI11_PARSE(app, argc, argv);
    double raw_rate = 0;
    {
      slotwise::testing::NatsServerFixture nats;
      raw_rate = slotwise::bench::raw_sync_publish_rate(nats.url(), o.seconds);
    }
    const slotwise::testing::TempDir wrk_dir("slotwise-booking-wrk");
    const Load trivial = trivial_handler(o, wrk_dir);

    Load booking;
    {
      slotwise::testing::NatsServerFixture nats;
      slotwise::testing::TempDir dir("slotwise-booking-bench");
      Command cmd = start_command(o, nats.url(), dir);
      const std::string token = signup(cmd.port);
      const auto businesses = create_businesses(cmd.port, token, o.businesses, 16, "bench-");
      // Each connection books its own businesses' slots in order, so no
      // request conflicts: the figure is the accept path.
      std::vector<long> next_slot(businesses.size(), 0);
      if (o.client == "wrk") {
        // Enough slots for 20,000 bookings/s per 1,000 businesses.
        const long slots = 20L * o.seconds * 1000 / std::max(1, o.businesses) + 8;
        write_booking_script(dir.path() + "/booking.lua", businesses, 2, slots);
        booking = run_wrk_script(o, cmd.port, "/", dir.path() + "/booking.lua",
                                 dir.path() + "/booking-wrk.log");
      } else {
        booking = run_load(cmd.port, o.connections, o.seconds, [&](int t, long i) {
          const std::size_t per = businesses.size() / static_cast<std::size_t>(o.connections);
          const std::size_t b = static_cast<std::size_t>(t) * per +
                                static_cast<std::size_t>(i) % std::max<std::size_t>(per, 1);
          const Business& biz = businesses[b];
          const long k = next_slot[b]++;
          return std::tuple<std::string, std::string, httplib::Headers>{
              "/v1/businesses/" + biz.id + "/bookings",
              R"({"service_id":")" + biz.service + R"(","start":")" + slot_start(k) +
                  R"(","customer":{"name":"C","email":"c@example.com"}})",
              {}};
        });
      }
      cmd.process.stop(SIGTERM);
    }

    long rss = -1;
    double rss_setup_seconds = 0;
    {
      slotwise::testing::NatsServerFixture nats;
      slotwise::testing::TempDir dir("slotwise-rss-bench");
      Command cmd = start_command(o, nats.url(), dir);
      const std::string token = signup(cmd.port);
      const auto t0 = Clock::now();
      const auto businesses = create_businesses(cmd.port, token, o.rss_businesses, 32, "rss-");
      // One booking each, so every calendar is loaded and cached too.
      std::atomic<std::size_t> next{0};
      std::vector<std::thread> pool;
      pool.reserve(64);
      for (int t = 0; t < 32; ++t) {
        pool.emplace_back([&] {
          httplib::Client client("127.0.0.1", cmd.port);
          client.set_tcp_nodelay(true);
          for (std::size_t i = next++; i < businesses.size(); i = next++) {
            auto r = client.Post("/v1/businesses/" + businesses[i].id + "/bookings",
                                 R"({"service_id":")" + businesses[i].service + R"(","start":")" +
                                     slot_start(4) +
                                     R"(","customer":{"name":"C","email":"c@example.com"}})",
                                 "application/json");
            check(r && r->status == 201, "rss booking");
          }
        });
      }
      for (auto& t : pool) t.join();
      rss_setup_seconds = since(t0);
      rss = rss_kib(cmd.process.pid());
      cmd.process.stop(SIGTERM);
    }

    std::ostringstream table;
    table << "| figure | value | baseline ratio |\n|---|---|---|\n";
    table << "| raw JetStream sync publish | " << static_cast<long>(raw_rate) << " /s | |\n";
    table << "| load client | " << o.client << " | |\n";
    table << "| trivial cpp-httplib handler (" << o.connections << " conns) | "
          << static_cast<long>(trivial.rate()) << " /s, p50 " << trivial.p50_ms << " ms, p99 "
          << trivial.p99_ms << " ms | |\n";
    table << "| booking POST over " << o.businesses << " businesses | "
          << static_cast<long>(booking.rate()) << " /s, p50 " << booking.p50_ms << " ms, p99 "
          << booking.p99_ms << " ms, failed " << booking.failed << " | "
          << booking.rate() / trivial.rate() << " of trivial; " << booking.rate() / raw_rate
          << " of raw sync publish |\n";
    table << "| RSS with " << o.rss_businesses << " businesses (+1 booking each) | " << rss / 1024
          << " MiB (setup " << rss_setup_seconds << " s) | |\n";
    std::cout << table.str();
    std::ostringstream json;
    json << "{\"raw_sync_publish_per_s\":" << raw_rate
         << ",\"trivial_handler_per_s\":" << trivial.rate()
         << ",\"trivial_p99_ms\":" << trivial.p99_ms << ",\"booking_per_s\":" << booking.rate()
         << ",\"booking_p50_ms\":" << booking.p50_ms << ",\"booking_p99_ms\":" << booking.p99_ms
         << ",\"booking_failed\":" << booking.failed
         << ",\"booking_vs_trivial\":" << booking.rate() / trivial.rate()
         << ",\"booking_vs_raw_sync\":" << booking.rate() / raw_rate
         << ",\"rss_businesses\":" << o.rss_businesses << ",\"rss_kib\":" << rss
         << ",\"connections\":" << o.connections << ",\"businesses\":" << o.businesses
         << ",\"client\":\"" << o.client << "\"}\n";
    if (!o.json_path.empty()) std::ofstream(o.json_path) << json.str();
    std::cout << json.str();
  } catch (const std::exception& e) {
    std::cerr << "booking_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
