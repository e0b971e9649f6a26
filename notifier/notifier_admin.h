// Administration of the notifier (the `slotwise notifier` CLI and tests):
// replaying the log, i.e. moving the planner's checkpoint back so that
// slotwise-notifier plans the log again from a given stream sequence
// (docs/notifier.md, docs/adr/0009-notifications.md). A replay sends
// nothing twice: outbox ids are deterministic and a booking event at or
// below its mirror row's applied position is ignored.
//
// The checkpoint is only moved while no planner consumes: the replay takes
// the planner's own lease, the session-level advisory lock
// (hashtext('slotwise-notifier'), hashtext(consumer)) of planner.h, for its
// duration. A planner holding it would overwrite the checkpoint with its
// next batch (it re-reads it only when a session starts), so the replay is
// refused instead; a notifier started meanwhile waits in standby and reads
// the new checkpoint once the lease is free. Senders need no stopping: a
// booking's mirror row never moves back, so their reminder checks hold.
//
// Thread safety: a free function on the caller's connection (one thread).
// Errors: ReplayError, see ReplayErrorCode.
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace slotwise::notifier {

enum class ReplayErrorCode {
  kUnavailable,      // PostgreSQL unreachable
  kDatabase,         // an SQL error
  kNotInstalled,     // no notifier tables in this database
  kUnknownConsumer,  // no checkpoint row for the consumer
  kPlannerRunning,   // a planner holds the lease
  kBeyondCheckpoint  // `from` would skip commits never planned
};

struct ReplayError {
  ReplayErrorCode code = ReplayErrorCode::kDatabase;
  std::string message;
};

struct ReplayReport {
  std::uint64_t previous_position = 0;  // the checkpoint before
  std::uint64_t position = 0;           // the checkpoint now: from - 1
};

// Sets consumer's checkpoint to `from` - 1 (a `from` of 0 is taken as 1), so the next planner
// session plans the log again from stream sequence `from`, and its
// dead-letter count to the dead letters before `from` (the replay counts
// the others again). Refused when a planner holds the lease, when the
// consumer has no checkpoint row, and when `from` is beyond the checkpoint
// + 1 (the commits between were never planned: skipping them would lose
// their notices).
[[nodiscard]] common::Result<ReplayReport, ReplayError> replay_notifier(pqxx::connection& conn,
                                                                        const std::string& consumer,
                                                                        std::uint64_t from);

}  // namespace slotwise::notifier
