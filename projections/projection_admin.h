// Administration of projections (the `slotwise projections` CLI and tests):
// the catalog of projections this build knows with the tables each one owns,
// their status as PostgreSQL records it (checkpoint, dead letters, whether
// a rebuild or a projector holds a lock), and reset — dropping a
// projection's rows and checkpoint so the projector rebuilds it in place
// (docs/adr/0010-projection-rebuild.md).
//
// Locks used (all session-level advisory locks on two int4 keys):
//   lease    (hashtext('slotwise-projector'), hashtext(name))  the projector
//   rebuild  (hashtext('slotwise-rebuild'),   hashtext(name))  rebuild/reset
//
// Thread safety: free functions on the caller's connection (one thread).
// Errors: projections::Error (kUnavailable: PostgreSQL unreachable,
// kDatabase: SQL error or lock timeout, kInvalidArgument: a rebuild holds
// the projection).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "projections/pg.h"

namespace slotwise::projections {

struct ProjectionInfo {
  std::string name;
  // Tables holding only this projection's rows (swapped by a rebuild,
  // emptied by a reset). Rows of dead_letters and unknown_event_types are
  // keyed by projection and handled row-wise.
  std::vector<std::string> tables;
};

// Every projection this build knows (today: "main", docs/adr/0006).
[[nodiscard]] const std::vector<ProjectionInfo>& projection_catalog();
[[nodiscard]] const ProjectionInfo* find_projection(std::string_view name);
// Tables keyed by a `projection` column (rows copied/deleted per projection).
[[nodiscard]] const std::vector<std::string>& per_projection_tables();

// Schema a rebuild writes into while the live tables keep serving.
[[nodiscard]] std::string shadow_schema(std::string_view projection);

struct ProjectionStatus {
  std::string name;
  std::uint64_t checkpoint = 0;         // stream sequence of the last applied commit
  std::int64_t checkpoint_time_ns = 0;  // server time of that commit; 0 = none
  std::uint64_t applied_commits = 0;
  std::uint64_t unknown_events = 0;
  std::uint64_t dead_letters = 0;  // rows in dead_letters
  bool rebuild_in_progress = false;
  std::optional<std::int64_t> projector_pid;  // backend holding the lease
};

[[nodiscard]] Result<ProjectionStatus> read_status(pqxx::connection& conn,
                                                   const ProjectionInfo& projection);

// SQL expressions: the pid holding a lock of `kind` ('slotwise-projector' or
// 'slotwise-rebuild') on the projection named by parameter $1, or NULL.
[[nodiscard]] std::string lock_holder_sql(std::string_view kind);

// Takes the rebuild lock (session level) or fails with kInvalidArgument
// when another rebuild or reset holds it.
[[nodiscard]] Status take_rebuild_lock(pqxx::connection& conn, const ProjectionInfo& projection);

// Empties the projection's tables, its dead letters and unknown types, sets
// its checkpoint to 0, and ends the projector's PostgreSQL session so that
// it re-reads the checkpoint and repositions its consumer at the start of
// the log. One transaction; the query API serves empty data until the
// projector has caught up. Takes the rebuild lock for its duration.
[[nodiscard]] Status reset_projection(pqxx::connection& conn, const ProjectionInfo& projection,
                                      std::chrono::milliseconds lock_timeout);

}  // namespace slotwise::projections
