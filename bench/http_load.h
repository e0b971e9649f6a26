// Shared by the HTTP benchmarks (booking_bench, webhook_bench): the result
// of a load phase with its latency percentiles, a fixed-work load driver
// over keep-alive cpp-httplib connections, the raw JetStream sync-publish
// baseline and the trivial cpp-httplib handler baseline. Sharing them keeps
// "the same client" literally the same code for a figure and its baseline.
//
// Thread safety: none beyond what each function documents (benchmark
// programs). Errors: std::runtime_error, reported by the programs' main().
#pragma once

#include <httplib.h>
#include <nats/nats.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "service/http_server.h"
#include "service/log.h"
#include "service/metrics.h"

namespace slotwise::bench {

using LoadClock = std::chrono::steady_clock;

// The body of PUT /v1/businesses/{id}/schedule for a business open 24/7.
inline std::string open_all_week_schedule_json() {
  std::string days;
  for (const char* d :
       {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
    days +=
        std::string(days.empty() ? "" : ",") + "\"" + d + R"(":[{"start":"00:00","end":"24:00"}])";
  }
  return R"({"days":{)" + days + "}}";
}

inline double seconds_since(LoadClock::time_point t0) {
  return std::chrono::duration<double>(LoadClock::now() - t0).count();
}

inline void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

struct Load {
  long ok = 0;
  long failed = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  [[nodiscard]] double rate() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

// Fills p50/p99 from per-connection latency lists (milliseconds).
inline void set_percentiles(Load& load, const std::vector<std::vector<double>>& latencies) {
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  if (all.empty()) return;
  load.p50_ms = all[all.size() / 2];
  load.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
}

struct Request {
  std::string path;
  std::string body;
  httplib::Headers headers;
};

// Sends every request once over `connections` keep-alive connections (each
// takes the next unsent request) and, when `min_seconds` > 0, keeps cycling
// through them until that much time has passed (a baseline too fast to
// time over one pass); returns the wall time from the first send to the
// last answer. A request counts as ok when accept(status, body) holds.
// Requests are built by the caller before the clock starts.
template <class Accept>
Load send_all(int port, int connections, const std::vector<Request>& requests, Accept accept,
              double min_seconds = 0) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> more{min_seconds > 0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  std::vector<long> ok(static_cast<std::size_t>(connections), 0);
  std::vector<long> failed(static_cast<std::size_t>(connections), 0);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(connections));
  const auto t0 = LoadClock::now();
  for (std::size_t t = 0; t < static_cast<std::size_t>(connections); ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_tcp_nodelay(true);
      client.set_keep_alive(true);
      client.set_read_timeout(std::chrono::seconds(30));
      latencies[t].reserve(requests.size() / static_cast<std::size_t>(connections) + 1);
      for (std::size_t i = next++; i < requests.size() || more.load(); i = next++) {
        const Request& r = requests[i % requests.size()];
        const auto s = LoadClock::now();
        auto res = client.Post(r.path, r.headers, r.body, "application/json");
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(LoadClock::now() - s).count());
        if (res && accept(res->status, res->body)) {
          ++ok[t];
        } else {
          ++failed[t];
        }
      }
    });
  }
  if (min_seconds > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(min_seconds));
    more = false;
  }
  for (auto& th : threads) th.join();
  Load load;
  load.seconds = seconds_since(t0);
  for (std::size_t t = 0; t < ok.size(); ++t) {
    load.ok += ok[t];
    load.failed += failed[t];
  }
  set_percentiles(load, latencies);
  return load;
}

// Raw JetStream sync publish rate: one publisher, 300-byte payloads over
// 1,000 subjects of a fresh file-storage stream "RAW" on `url`, for
// `seconds` (as a one-at-a-time command side would append).
inline double raw_sync_publish_rate(const std::string& url, int seconds) {
  natsConnection* nc = nullptr;
  require(natsConnection_ConnectTo(&nc, url.c_str()) == NATS_OK, "connect");
  jsCtx* js = nullptr;
  require(natsConnection_JetStream(&js, nc, nullptr) == NATS_OK, "jetstream");
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  std::array<const char*, 1> subjects{"raw.>"};
  cfg.Name = "RAW";
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  require(js_AddStream(nullptr, js, &cfg, nullptr, nullptr) == NATS_OK, "add stream");
  const std::string payload(300, 'x');
  long n = 0;
  const auto t0 = LoadClock::now();
  while (seconds_since(t0) < seconds) {
    const std::string subject = "raw.sync." + std::to_string(n % 1000);
    jsPubAck* pa = nullptr;
    require(js_Publish(&pa, js, subject.c_str(), payload.data(), static_cast<int>(payload.size()),
                       nullptr, nullptr) == NATS_OK,
            "publish");
    jsPubAck_Destroy(pa);
    ++n;
  }
  const double rate = static_cast<double>(n) / seconds_since(t0);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return rate;
}

// The trivial handler: service::HttpServer (the command side's HTTP layer)
// in-process with one POST route answering {}, nothing else.
class TrivialServer {
 public:
  TrivialServer(const std::string& path, int connections)
      : logger_("bench", service::LogLevel::kError) {
    service::HttpServerOptions options;
    options.worker_threads = static_cast<std::size_t>(connections) + 8;
    server_ = std::make_unique<service::HttpServer>(options, logger_, metrics_);
    server_->post(path, [](service::RequestContext&, httplib::Response& res) {
      res.set_content("{}", "application/json");
    });
    port_ = server_->start().value();
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  service::Logger logger_;
  service::MetricsRegistry metrics_;
  std::unique_ptr<service::HttpServer> server_;
  int port_ = 0;
};

}  // namespace slotwise::bench
