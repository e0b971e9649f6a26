// Planner: the notifier's consuming half. Tails the event log with a durable
// JetStream pull consumer and, per fetched batch, writes the planned
// notifications (plan_writer.h) and the notifier's checkpoint in ONE
// PostgreSQL transaction, then acknowledges: planning happens exactly once
// whatever crashes (the same scheme as the projector, docs/adr/0006):
//   - session: connect, apply the notifier's migrations (and grant the query
//     API's read-only role SELECT on them), take the lease
//     pg_try_advisory_lock(hashtext('slotwise-notifier'), hashtext(consumer))
//     (a second instance waits in standby), reposition the consumer at
//     checkpoint + 1 (projections/consumer_reset.h), then consume;
//   - deliveries at or below the checkpoint are skipped, a gap repositions;
//   - an undecodable message or event becomes a notifier_dead_letters row and
//     planning carries on.
//
// leader() is true while the planner consumes with PostgreSQL reachable: an
// idle planner reads its checkpoint row after each empty fetch, so a lost
// database ends the session (and leadership) within one fetch timeout.
//
// Thread safety: run() on one thread; stop(), leader(), position() from any.
// Errors: none escape run(); failures are logged, counted and retried.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "events/event_store.h"
#include "events/subscription.h"
#include "notifier/plan_writer.h"
#include "projections/pg.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/stop_flag.h"

namespace slotwise::notifier {

struct PlannerOptions {
  std::string pg_url;
  events::ConsumerSpec consumer{"notifier", "sw.evt.>", std::chrono::seconds(30), 20000};
  int batch = 500;
  std::chrono::milliseconds fetch_timeout{200};
  std::chrono::milliseconds standby_poll{500};
  std::chrono::milliseconds retry_backoff{500};
  PlanOptions plan;
  std::string read_only_role = "slotwise_query";  // granted SELECT (the query API); "" = off
  // Done outbox rows (sent, failed, cancelled) due longer ago than this are
  // deleted (outbox_retention.h); 0 keeps them forever.
  std::chrono::milliseconds retention{std::chrono::hours(24 * 90)};
  std::chrono::milliseconds prune_every{std::chrono::hours(1)};
};

class Planner {
 public:
  // `store`, `logger` and `metrics` must outlive the planner.
  Planner(const events::EventStore& store, PlannerOptions options, service::Logger& logger,
          service::MetricsRegistry& metrics);

  void run();
  void stop();
  [[nodiscard]] bool leader() const { return leader_.load(); }
  [[nodiscard]] std::uint64_t position() const { return position_.load(); }

 private:
  void session();
  bool consume(pqxx::connection& conn);
  // Applies one batch; returns deliveries handled (to ack) and whether a gap stopped it.
  projections::Result<std::pair<std::size_t, bool>> apply(pqxx::connection& conn,
                                                          std::vector<events::Delivery>& batch);
  void pause(std::chrono::milliseconds d);
  // Whether PostgreSQL still answers (the checkpoint row reads); logs and
  // counts the error when it does not.
  bool checkpoint_readable(pqxx::connection& conn);
  // This consumer's checkpoint; `what` names the step in an error.
  [[nodiscard]] projections::Result<std::uint64_t> read_checkpoint(pqxx::connection& conn,
                                                                   const char* what) const;
  // Prunes the outbox when retention is on and prune_every has passed.
  void maybe_prune(pqxx::connection& conn);

  const events::EventStore& store_;
  PlannerOptions options_;
  service::Logger& logger_;
  service::StopFlag stop_;
  std::atomic<bool> leader_{false};
  std::atomic<std::uint64_t> position_{0};
  // At checkpoint 0: the sequence the first commit must have (0: any).
  std::uint64_t log_start_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_prune_;

  service::Gauge& position_gauge_;
  service::Counter& planned_;
  service::Counter& cancelled_;
  service::Counter& dead_letters_;
  service::Counter& errors_;
  service::Counter& pruned_;
};

}  // namespace slotwise::notifier
