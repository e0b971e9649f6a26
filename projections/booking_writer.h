// The booking side of a batch's flush: reads what the table holds about the
// bookings the batch mentions, folds the batch (booking_fold.h) and writes
// the result with as few statements as the batch allows: new bookings and
// history rows streamed with COPY, changes to earlier bookings in one
// UPDATE ... FROM (VALUES ...) per chunk.
//
// COPY straight into the tables is safe because the fold knows, inside the
// batch's transaction (which holds the projection's checkpoint row), exactly
// which bookings exist: a new row never conflicts, and a history row's key
// (booking, commit sequence, event index) is applied once, with its commit.
//
// Thread safety: none; runs inside one batch transaction.
// Errors: libpqxx exceptions propagate to the caller's guarded() (pg.h).
#pragma once

#include <pqxx/pqxx>

#include <map>
#include <string>
#include <vector>

#include "projections/booking_fold.h"

namespace slotwise::projections::booking_writer {

// Prepares the lookup statement (once per connection).
void prepare(pqxx::connection& conn);

// Rows of `bookings` for the ids the ops mention.
[[nodiscard]] std::map<std::string, KnownBooking> lookup(pqxx::work& tx,
                                                         const std::vector<BookingOp>& ops);

// Writes the folded rows and the kept history rows.
void write(pqxx::work& tx, const FoldedBookings& folded, const std::vector<HistoryRow>& history);

}  // namespace slotwise::projections::booking_writer
