// ShadowRebuild: the PostgreSQL side of `slotwise projections rebuild`
// (docs/adr/0010-projection-rebuild.md). It replays into a shadow schema
// (slotwise_rebuild_<name>, created by running the same embedded migrations
// with search_path set to it) through the projector's own BatchApplier and
// ReadModelWriter, while the live tables in `public` keep serving; then
// swap_in() exchanges the tables in one short transaction:
//
//   1. freeze: lock the live checkpoint row FOR UPDATE. The live projector
//      takes that lock first in every batch, so it finishes its current
//      batch and then waits; the live position L is now fixed;
//   2. catch_up(L): the caller applies the log into the shadow until its
//      checkpoint S >= L (only the few commits since the last catch-up);
//   3. with a short lock_timeout (below deadlock_timeout, so a query can
//      never be chosen as a deadlock victim), LOCK the live tables ACCESS
//      EXCLUSIVE (queries wait, none fails), move them to a retired schema,
//      move the shadow tables into public, copy each old table's grants
//      (the query role keeps SELECT), copy the shadow checkpoint (S) and
//      the projection's dead letters / unknown types, commit. A lock
//      timeout rolls everything back and the swap is retried.
// After the commit the waiting projector's batch reads checkpoint S: commits
// up to S are skipped as redeliveries and it continues at S + 1, so no event
// is lost or applied twice.
//
// Holds the rebuild advisory lock for its lifetime (one rebuild or reset
// per projection at a time); the destructor drops the shadow schema unless
// the swap committed.
//
// Thread safety: one thread. Errors: projections::Error (kInvalidArgument
// when another rebuild or reset runs, kDatabase for SQL errors and for a
// swap that could not get its locks in `attempts` tries).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "projections/batch_applier.h"
#include "projections/projection_admin.h"

namespace slotwise::projections {

struct SwapOptions {
  std::chrono::milliseconds freeze_timeout{30000};  // wait for the projector's batch
  std::chrono::milliseconds lock_timeout{200};      // per table lock; < deadlock_timeout
  int attempts = 20;
};

struct SwapOutcome {
  std::uint64_t live_position = 0;  // L: the live checkpoint when frozen
  std::uint64_t position = 0;       // S: the checkpoint after the swap
  int attempts = 0;
  double swap_ms = 0;  // time the live tables were locked (last attempt)
};

class ShadowRebuild {
 public:
  // Connects twice (control: locks and swap; shadow: the replay), migrates
  // the live schema if needed, takes the rebuild lock, recreates the shadow
  // schema.
  [[nodiscard]] static Result<std::unique_ptr<ShadowRebuild>> start(
      const std::string& pg_url, const ProjectionInfo& projection);
  ShadowRebuild(const ShadowRebuild&) = delete;
  ShadowRebuild& operator=(const ShadowRebuild&) = delete;
  ~ShadowRebuild();

  // Applies one batch to the shadow tables (BatchApplier semantics). Until
  // end_bulk(), daily_stats and customers are deferred (computed once then).
  [[nodiscard]] Result<BatchOutcome> apply(const std::vector<events::Delivery>& batch);
  [[nodiscard]] std::uint64_t position() const { return position_; }
  // Computes the deferred aggregates; later batches maintain them per batch.
  [[nodiscard]] Status end_bulk();

  // catch_up(L) must bring position() to at least L.
  using CatchUp = std::function<Status(std::uint64_t live_position)>;
  [[nodiscard]] Result<SwapOutcome> swap_in(const CatchUp& catch_up, const SwapOptions& options);

 private:
  ShadowRebuild(const ProjectionInfo& projection, std::unique_ptr<pqxx::connection> control,
                std::unique_ptr<pqxx::connection> shadow);
  [[nodiscard]] Result<double> exchange_tables(pqxx::work& tx, const SwapOptions& options);
  void drop_schemas();

  const ProjectionInfo& projection_;
  std::string schema_;
  std::string retired_;
  std::unique_ptr<pqxx::connection> control_;
  std::unique_ptr<pqxx::connection> shadow_;
  BatchApplier applier_;
  std::uint64_t position_ = 0;
  bool swapped_ = false;
};

}  // namespace slotwise::projections
