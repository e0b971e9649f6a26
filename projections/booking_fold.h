// BookingFold: the booking events of one batch folded in memory into the
// rows they leave behind, so a batch writes each booking once (a booking
// created and confirmed in one batch is one inserted row, not an insert and
// an update) and new rows can be streamed with COPY.
//
// Semantics are evolve()'s (domain/calendar.h), event by event in log order:
// a create of a booking that already exists (in the table or earlier in the
// batch) changes nothing; a status change or a move of a booking that does
// not exist, or that belongs to another business, changes nothing; a status
// change applies whatever the previous status. A history row is kept only
// when its event found (or made) the booking in its own business. A note
// (a payment's refund, or its failure) changes no row: it only keeps its
// history row.
//
// The fold is pure: it is given the rows of the table it needs (Known, read
// by the caller in the batch's transaction) and returns what to write.
//
// Thread safety: none; one fold per batch.
// Errors: none; events that change nothing are simply not written.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/instant.h"

namespace slotwise::projections {

// One bookings row, in the table's column order (migrations/0001, then
// 0008's cancellation terms).
struct BookingRow {
  std::string booking_id;
  std::string business_id;
  std::string service_id;
  std::string status;
  std::string start_at;    // RFC 3339
  std::string end_at;      // RFC 3339
  std::string local_date;  // YYYY-MM-DD in time_zone
  int buffer_before_minutes = 0;
  int buffer_after_minutes = 0;
  std::string time_zone;
  std::string customer_name;
  std::string customer_email;
  std::string customer_email_normalized;
  std::string customer_phone;
  std::string customer_time_zone;
  std::string notes;
  std::int64_t price_minor = 0;
  std::int64_t amount_due_minor = 0;
  std::string currency;
  std::string manage_token_sha256;
  std::optional<std::string> hold_expires_at;
  std::string created_at;
  std::string updated_at;
  std::uint64_t version = 0;
  // The booking's cancellation terms; none for events logged without them.
  std::optional<int> free_cancellation_cutoff_minutes;
  std::optional<int> late_cancellation_refund_percent;

  bool operator==(const BookingRow&) const = default;
};

// One booking_history row.
struct HistoryRow {
  std::string booking_id;
  std::uint64_t seq = 0;
  int event_index = 0;
  std::string business_id;
  std::string event_type;
  std::string occurred_at;  // RFC 3339
  std::string actor_kind;
  std::string actor_id;
  std::string detail_json;
};

// What the table already holds about a booking the batch mentions.
struct KnownBooking {
  std::string business_id;
  std::string time_zone;
  std::string local_date;
  std::string customer_email_normalized;
};

// One booking event of the batch.
struct BookingOp {
  enum class Kind { kCreate, kStatus, kMove, kNote };
  Kind kind = Kind::kCreate;
  std::string booking_id;
  std::string business_id;  // the calendar (business) the event is about
  std::uint64_t seq = 0;    // stream sequence of its commit
  std::string at;           // its commit's time, RFC 3339
  std::size_t history = 0;  // index of its history row in the batch
  BookingRow row;           // kCreate: the row as created
  std::string status;       // kStatus
  domain::Instant start{};  // kMove
  std::string start_at;     // kMove, RFC 3339
  std::string end_at;       // kMove, RFC 3339
};

// Changes to a row that was in the table before the batch; absent fields
// stay as they are.
struct BookingPatch {
  std::string booking_id;
  std::optional<std::string> status;
  std::optional<std::string> start_at;
  std::optional<std::string> end_at;
  std::optional<std::string> local_date;
  std::string updated_at;
  std::uint64_t version = 0;

  bool operator==(const BookingPatch&) const = default;
};

struct FoldedBookings {
  std::vector<BookingRow> inserts;    // new rows, in order of creation
  std::vector<BookingPatch> patches;  // rows already in the table
  std::vector<bool> keep_history;     // by history row index
  // Daily stats days and customers whose bookings changed.
  std::set<std::pair<std::string, std::string>> stat_days;      // (business, local date)
  std::set<std::pair<std::string, std::string>> customer_keys;  // (business, email)
  // Of customer_keys, those a move touched (their last booking may be
  // earlier now); the others only gained new bookings.
  std::set<std::pair<std::string, std::string>> moved_customer_keys;
};

// Local date of `t` in IANA zone `tz` (UTC when the zone is unknown).
[[nodiscard]] std::string local_date_in(domain::Instant t, const std::string& tz);

// Folds `ops` (in log order) over the table rows in `known` (booking id ->
// row). `history_rows` is the number of history rows the batch recorded.
[[nodiscard]] FoldedBookings fold_bookings(const std::vector<BookingOp>& ops,
                                           const std::map<std::string, KnownBooking>& known,
                                           std::size_t history_rows);

}  // namespace slotwise::projections
