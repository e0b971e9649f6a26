// Live projection lag (issue 5): how long after an append its commit is
// visible in the read models, with the projector caught up and the log
// growing at a fixed rate. Measured end to end by the projector's own
// change notices (projections/change_notice.h): a listener records when each
// batch's notice (carrying its position) arrives, which is after that batch
// committed; a commit's lag is that arrival minus the moment its append was
// sent. Baseline in the same run: the append's own acknowledgement latency
// (send -> JetStream ack), the floor any read model lag sits on.
//
// Thread safety: none (benchmark programs). Errors: std::runtime_error.
#pragma once

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/bench_log.h"
#include "projections/change_notice.h"
#include "projections/projector.h"

namespace slotwise::bench {

struct LagResult {
  double events_per_second = 0;  // achieved append rate, 2 events per commit
  long commits = 0;
  double append_p50_ms = 0, append_p99_ms = 0;
  double lag_p50_ms = 0, lag_p99_ms = 0, lag_max_ms = 0;
};

inline double percentile_ms(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

// Appends commits [first, first + rate * seconds) at `commits_per_second`
// while a projector (already caught up) runs on `url`.
inline LagResult live_lag(events::EventStore& store, const std::string& url, long first,
                          int commits_per_second, int seconds) {
  service::Logger logger("bench", service::LogLevel::kError);
  service::MetricsRegistry metrics;
  projections::ProjectorOptions o;
  o.pg_url = url;
  o.consumer.durable_name = "bench-projector";
  projections::Projector projector(store, o, logger, metrics);
  std::thread running([&] { projector.run(); });
  const std::uint64_t start_position = store.state().value().last_sequence;
  while (projector.position() < start_position) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  // Notice arrivals: (position, time).
  std::mutex mu;
  std::vector<std::pair<std::uint64_t, Clock::time_point>> seen;
  std::atomic<bool> stop{false};
  std::atomic<bool> listening{false};
  std::thread listener([&] {
    pqxx::connection c(url);
    struct Receiver final : pqxx::notification_receiver {
      Receiver(pqxx::connection& conn, std::mutex& m,
               std::vector<std::pair<std::uint64_t, Clock::time_point>>& out)
          : pqxx::notification_receiver(conn, projections::kChangeChannel), mu(m), seen(out) {}
      void operator()(const std::string& payload, int /*pid*/) override {
        const auto now = Clock::now();
        auto n = projections::decode_change_notice(payload);
        if (!n || !n.value().position) return;
        const std::lock_guard lock(mu);
        seen.emplace_back(*n.value().position, now);
      }
      std::mutex& mu;
      std::vector<std::pair<std::uint64_t, Clock::time_point>>& seen;
    } receiver(c, mu, seen);
    listening.store(true);
    while (!stop.load()) (void)c.await_notification(0, 5000);
  });
  while (!listening.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  const long n = static_cast<long>(commits_per_second) * seconds;
  std::vector<Clock::time_point> sent(static_cast<std::size_t>(n));
  std::vector<Clock::time_point> acked(static_cast<std::size_t>(n));
  std::vector<std::uint64_t> position(static_cast<std::size_t>(n), 0);
  std::atomic<long> failed{0};
  const auto t0 = Clock::now();
  const auto interval = std::chrono::nanoseconds(1'000'000'000LL / commits_per_second);
  for (long i = 0; i < n; ++i) {
    std::this_thread::sleep_until(t0 + interval * i);
    const auto k = static_cast<std::size_t>(i);
    sent[k] = Clock::now();
    store.append_async(booking_commit(first + i), [&, k](const auto& r) {
      acked[k] = Clock::now();
      if (r) {
        position[k] = r.value().position;
      } else {
        failed.fetch_add(1);
      }
    });
  }
  if (!store.drain(std::chrono::minutes(2)) || failed.load() > 0) {
    throw std::runtime_error("live appends failed");
  }
  const double append_seconds = since(t0);
  const std::uint64_t last = *std::max_element(position.begin(), position.end());
  while (projector.position() < last) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto settle = Clock::now() + std::chrono::milliseconds(200);
  while (Clock::now() < settle) {
    {
      const std::lock_guard lock(mu);
      if (!seen.empty() && seen.back().first >= last) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop.store(true);
  listener.join();
  projector.stop();
  running.join();

  LagResult out;
  out.commits = n;
  out.events_per_second = 2.0 * static_cast<double>(n) / append_seconds;
  std::vector<double> append_ms;
  std::vector<double> lag_ms;
  const auto ms = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  for (std::size_t k = 0; k < sent.size(); ++k) {
    append_ms.push_back(ms(acked[k] - sent[k]));
    // The first notice at or after this commit's position (notices arrive in
    // commit order, so positions ascend).
    const auto it =
        std::lower_bound(seen.begin(), seen.end(), position[k],
                         [](const auto& notice, std::uint64_t p) { return notice.first < p; });
    if (it == seen.end()) throw std::runtime_error("no notice for a live commit");
    lag_ms.push_back(ms(it->second - sent[k]));
  }
  out.append_p50_ms = percentile_ms(append_ms, 0.50);
  out.append_p99_ms = percentile_ms(append_ms, 0.99);
  out.lag_p50_ms = percentile_ms(lag_ms, 0.50);
  out.lag_p99_ms = percentile_ms(lag_ms, 0.99);
  out.lag_max_ms = percentile_ms(lag_ms, 1.0);
  return out;
}

}  // namespace slotwise::bench
