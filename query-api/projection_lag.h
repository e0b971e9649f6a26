// ProjectionLag: how far the projection this query API reads is behind the
// event log, for its /metrics (issue 5: "projection lag in events and
// seconds per projection"). The projector exports the same numbers on its
// own port; the query API measures them itself because it is what serves
// the stale reads, and it sees the lag even when the projector is down.
//
// Every `interval` a thread reads the stream's last sequence (NATS), the
// projection's checkpoint (PostgreSQL, through the read store) and, when the
// projection is behind, the store time of its first unapplied commit; it sets
//   slotwise_projection_lag_events{projection}   commits not yet applied
//   slotwise_projection_lag_seconds{projection}  age of the oldest of them
//   slotwise_query_lag_probe_failures_total      probes that could not read
// A failed probe leaves the gauges as they were and is counted and logged
// once per failure streak.
//
// Thread safety: probe() is safe from any thread; start()/stop() from one
// thread (the owner). The destructor stops the thread.
// Errors: probe() returns the store's or the database's error.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "events/event_store.h"
#include "query-api/read_store.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/stop_flag.h"

namespace slotwise::query {

struct Lag {
  std::uint64_t events = 0;
  std::chrono::seconds age{0};
};

class ProjectionLag {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  ProjectionLag(const events::EventStore& store, const ReadStore& reads, std::string projection,
                service::MetricsRegistry& metrics, service::Logger& logger,
                std::chrono::milliseconds interval, Clock clock = {});
  ProjectionLag(const ProjectionLag&) = delete;
  ProjectionLag& operator=(const ProjectionLag&) = delete;
  ~ProjectionLag() { stop(); }

  void start();
  void stop();

  // Measures once and sets the gauges.
  [[nodiscard]] common::Result<Lag, std::string> probe();

 private:
  const events::EventStore& store_;
  const ReadStore& reads_;
  std::string projection_;
  service::Logger& logger_;
  std::chrono::milliseconds interval_;
  Clock clock_;
  service::Gauge& events_;
  service::Gauge& seconds_;
  service::Counter& failures_;
  service::StopFlag stop_;
  std::thread thread_;
};

}  // namespace slotwise::query
