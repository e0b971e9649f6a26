// Outbox retention: rows that are done (sent, failed or cancelled) keep
// their whole rendered message, so the outbox would grow by every email
// ever sent. prune_outbox() deletes those whose due time is older than the
// retention, in chunks (short transactions beside the senders); planned
// rows are never touched, however old. The planner runs it while it leads
// and is idle, at most every `prune_every` (planner.h).
//
// Thread safety: uses the caller's connection only.
// Errors: a database failure is returned (the planner logs it and tries
// again at the next interval).
#pragma once

#include <chrono>
#include <cstdint>

#include <pqxx/pqxx>

#include "projections/pg.h"

namespace slotwise::notifier {

// Deletes done rows due more than `retention` ago (by the database's
// clock), `chunk` per transaction; returns how many were deleted.
[[nodiscard]] projections::Result<std::uint64_t> prune_outbox(pqxx::connection& conn,
                                                              std::chrono::milliseconds retention,
                                                              int chunk = 1000);

}  // namespace slotwise::notifier
