// rebuild_projection(): the whole `slotwise projections rebuild <name>`
// (docs/adr/0010-projection-rebuild.md): replays the event log from its
// first commit into a ShadowRebuild through a dedicated durable pull
// consumer (slotwise-rebuild-<name>, deleted at the end), catches up to the
// head the stream has when the replay ends, then swaps the shadow tables in
// (ShadowRebuild::swap_in, whose catch-up uses the same consumer). The live
// projector may keep running throughout. Never writes to the stream.
//
// Thread safety: one call per thread; `progress` is called on the caller's
// thread after every batch.
// Errors: projections::Error — kUnavailable when NATS/JetStream or
// PostgreSQL cannot be reached, kInvalidArgument when another rebuild or
// reset of the projection runs, kDatabase/kInternal otherwise. On error the
// live tables are untouched and the shadow schema is dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "events/event_store.h"
#include "projections/shadow_rebuild.h"

namespace slotwise::projections {

struct RebuildOptions {
  int batch = 5000;  // deliveries per fetch and per shadow transaction
  std::chrono::milliseconds fetch_timeout{500};
  // Consecutive empty fetches while commits are known to be missing before
  // giving up (the stream stopped answering).
  int max_empty_fetches = 40;
  SwapOptions swap;
};

struct RebuildProgress {
  std::uint64_t commits = 0;   // applied to the shadow so far
  std::uint64_t position = 0;  // shadow checkpoint
  std::uint64_t head = 0;      // stream sequence the replay is heading for
};

struct RebuildReport {
  std::uint64_t commits = 0;  // commits applied to the shadow
  std::uint64_t events = 0;   // events applied
  double replay_seconds = 0;  // from the first fetch to the swap's commit
  SwapOutcome swap;
};

[[nodiscard]] Result<RebuildReport> rebuild_projection(
    const events::EventStore& store, const std::string& pg_url, const ProjectionInfo& projection,
    const RebuildOptions& options, const std::function<void(const RebuildProgress&)>& progress);

}  // namespace slotwise::projections
