// BatchApplier: writes one fetched batch of deliveries to the read models in
// ONE PostgreSQL transaction together with the projection's checkpoint (the
// stream sequence of the last applied commit), so a crash anywhere either
// keeps the whole batch and its checkpoint or neither.
//
// Exactly-once application: the log has no holes (DenyDelete/DenyPurge), so
// the next commit to apply is always checkpoint + 1. Deliveries at or below
// the checkpoint are redeliveries and skipped (but may be acknowledged); a
// delivery above checkpoint + 1 means the consumer skipped something (it was
// positioned elsewhere, or a delivery was lost) and stops the batch there
// with `gap` set, so the caller repositions the consumer at checkpoint + 1.
// Messages that do not decode become dead_letters rows; unknown event types
// are counted; both advance the checkpoint (nothing blocks the projection).
//
// Thread safety: none; one applier per projector thread and connection.
// Errors: projections::Error from the transaction; nothing is then committed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/subscription.h"
#include "projections/pg.h"
#include "projections/read_model_writer.h"

namespace slotwise::projections {

struct Checkpoint {
  std::uint64_t position = 0;
  std::int64_t position_time_ns = 0;  // 0 when unknown
};

struct BatchOutcome {
  Checkpoint checkpoint;    // after the batch
  std::size_t handled = 0;  // leading deliveries applied or skipped: ack these
  std::uint64_t applied_commits = 0;
  std::uint64_t skipped = 0;  // redeliveries at or below the checkpoint
  bool gap = false;           // stopped at a delivery after checkpoint + 1
  std::uint64_t events_applied = 0;
  std::uint64_t unknown_events = 0;
  std::uint64_t dead_letters = 0;
};

// Everything the batch's commits mean for the read models, computed without
// the database (read_model_writer.h). Pure: any thread.
[[nodiscard]] BatchEffects translate(const std::vector<events::Delivery>& batch);

class BatchApplier {
 public:
  explicit BatchApplier(std::string projection) : projection_(std::move(projection)) {}

  // Creates the checkpoint row if missing and prepares statements; call
  // once per connection, then resume() before the first apply().
  [[nodiscard]] Status prepare(pqxx::connection& conn);
  // Reads whether a catch-up left aggregates to recompute, forgetting what
  // this applier remembered. Call before applying as the projection's only
  // writer: first, and again whenever it becomes that writer again (a lease
  // taken after standing by, a consumer repositioned), because meanwhile
  // another writer may have left a catch-up unfinished, or finished one (a
  // rebuild's swap).
  [[nodiscard]] Status resume(pqxx::connection& conn);
  [[nodiscard]] Result<Checkpoint> checkpoint(pqxx::connection& conn) const;
  // `behind`: many events follow this batch, so its daily_stats and
  // customers keys are only remembered (aggregate_upkeep.h); otherwise they
  // and whatever a catch-up left are recomputed in this batch.
  // `translated`: translate(batch) done ahead (by a prefetching thread);
  // used when the batch is exactly the commits after the checkpoint (the
  // usual case), else the batch is translated again here.
  [[nodiscard]] Result<BatchOutcome> apply(pqxx::connection& conn,
                                           const std::vector<events::Delivery>& batch,
                                           bool behind = false, BatchEffects* translated = nullptr);
  // Caught up and idle: recomputes what a catch-up left, in a transaction
  // that holds the checkpoint row like a batch. True when there was any.
  [[nodiscard]] Result<bool> work_off_backlog(pqxx::connection& conn);
  // A catch-up left daily_stats and customers to recompute.
  [[nodiscard]] bool backlog() const { return upkeep_.pending(); }

  [[nodiscard]] const std::string& projection() const { return projection_; }

  // Bulk replay into empty tables (a rebuild's shadow): daily_stats and
  // customers are not maintained at all until recompute_aggregates().
  void set_defer_aggregates(bool defer) { defer_aggregates_ = defer; }
  // The live projector announces each batch's changes (change_notice.h); a
  // rebuild's shadow must not (its rows are not the ones being read).
  void set_notify_changes(bool notify) { notify_changes_ = notify; }
  // The sequence the log starts at (its first stored message): at
  // checkpoint 0 the first commit applied must be that one, and a batch
  // that starts later is a gap. Deliveries 1..k taken by another consumer
  // session of the same durable name (a former leader still pulling right
  // after a reset, ADR 0010) would otherwise leave them out for good.
  // 0 (the default): any first sequence is accepted.
  void set_log_start(std::uint64_t first_sequence) { log_start_ = first_sequence; }
  // Recomputes daily_stats and customers from bookings in one transaction.
  [[nodiscard]] static Status recompute_aggregates(pqxx::connection& conn);

 private:
  std::string projection_;
  AggregateUpkeep upkeep_;
  bool defer_aggregates_ = false;
  bool notify_changes_ = false;
  std::uint64_t log_start_ = 0;
};

}  // namespace slotwise::projections
