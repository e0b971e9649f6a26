// Projector: the slotwise-projector's engine. Tails the event log through a
// durable JetStream pull consumer and keeps the PostgreSQL read models and
// the projection checkpoint up to date (docs/adr/0006-read-models.md).
//
//   1. connect to PostgreSQL, apply the SQL migrations (migrations.h), grant
//      the read-only query role (best effort);
//   2. take the projection's lease: a session-level advisory lock
//      pg_try_advisory_lock(hashtext('slotwise-projector'), hashtext(name))
//      on the same connection that writes. A second instance finds it taken
//      and waits in standby, polling; when the holder dies its session ends,
//      the lock is released and the standby takes over;
//   3. reposition the consumer at checkpoint + 1 (consumer_reset.h);
//   4. loop: fetch a batch (large while catching up, small when live),
//      apply it in one transaction with the checkpoint (batch_applier.h),
//      THEN acknowledge the deliveries. When a fetch comes back empty it
//      re-reads the checkpoint and repositions if an admin moved it
//      (`slotwise projections rebuild|reset`, ADR 0010).
// Any error drops the connection/consumer and starts again at step 1 after
// a back-off; nothing is acknowledged that was not committed.
//
// Thread safety: run() on one thread; stop(), ready(), status() from any.
// Errors: none escape run(); failures are logged, counted and retried.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "events/event_store.h"
#include "events/subscription.h"
#include "projections/batch_applier.h"
#include "projections/fetch_plan.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/stop_flag.h"

namespace slotwise::projections {

struct ProjectorOptions {
  std::string projection = "main";
  std::string pg_url;
  events::ConsumerSpec consumer{"projector-main", "sw.evt.>", std::chrono::seconds(30), 20000};
  FetchPlan fetch;
  // Pending deliveries after a batch at which its daily stats and customers
  // wait for the head (aggregate_upkeep.h). Far above fetch.catchup_threshold: a
  // live projector that lapses a few batches behind keeps them per batch
  // (cheap), rather than piling keys up and recomputing them all at once.
  std::uint64_t defer_aggregates_after = 5000;
  std::chrono::milliseconds standby_poll{500};
  std::chrono::milliseconds retry_backoff{500};
  std::string read_only_role = "slotwise_query";  // empty: do not manage it
};

class Projector {
 public:
  // `store`, `logger` and `metrics` must outlive the projector.
  Projector(const events::EventStore& store, ProjectorOptions options, service::Logger& logger,
            service::MetricsRegistry& metrics);

  // Projects until stop() is called.
  void run();
  void stop();
  // Migrated, holding the lease and consuming.
  [[nodiscard]] bool leader() const { return leader_.load(); }
  [[nodiscard]] std::uint64_t position() const { return position_.load(); }

 private:
  // One session: connect, migrate, lease, consume until error or stop.
  void session();
  bool consume(pqxx::connection& conn, BatchApplier& applier);
  enum class Idle { kCarryOn, kReposition, kFail };
  Idle on_idle(pqxx::connection& conn, BatchApplier& applier);
  void pause(std::chrono::milliseconds d);
  void record(const BatchOutcome& out, std::uint64_t pending, std::int64_t last_time_ns,
              bool catchup, double seconds);

  const events::EventStore& store_;
  ProjectorOptions options_;
  service::Logger& logger_;
  service::StopFlag stop_;
  std::atomic<bool> leader_{false};
  std::atomic<std::uint64_t> position_{0};

  service::Gauge& position_gauge_;
  service::Gauge& lag_events_;
  service::Gauge& lag_seconds_;
  service::Gauge& lag_ms_;
  service::Gauge& leader_gauge_;
  service::Counter& commits_;
  service::Counter& events_;
  service::Counter& unknown_;
  service::Counter& dead_letters_;
  service::Counter& errors_;
  service::HistogramFamily& batch_seconds_;
};

}  // namespace slotwise::projections
