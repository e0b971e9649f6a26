// ReadModelWriter: applies the events of one commit to the read-model tables
// inside the batch's transaction, and, at the end of the batch, writes what
// is cheaper per batch than per event: bookings folded to one row each and
// streamed with COPY with their history (booking_writer.h), unknown-type
// counts, dead letters. The daily_stats and customers keys the batch touched
// are left in BatchEffects for AggregateUpkeep. Of the payment category only
// the refunds (PaymentRefunded, PaymentRefundFailed) are used: they are
// history rows of their booking. Of the account category, registrations and
// password changes: each account's session generation (how many times its
// password changed) and last change, which the query API checks owner
// tokens against; nothing else of an account.
//
// Rows mirror the aggregates' evolve() exactly (business.h, calendar.h):
// created rows are inserted only if absent (try_emplace), updates set the
// whole new value, status changes apply whatever the previous status, a
// zone change is ignored when the event's zone is empty. Every row carries
// `version` = stream sequence of the last commit applied to it.
//
// Thread safety: one writer per transaction, used by one thread.
// Errors: libpqxx exceptions propagate to the caller's guarded() (pg.h); bad
// event bytes are not errors but dead letters.
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "events/append_request.h"
#include "projections/aggregate_upkeep.h"
#include "projections/booking_fold.h"
#include "projections/statement_batch.h"

namespace slotwise::projections {

struct DeadLetter {
  std::uint64_t sequence = 0;
  int event_index = -1;  // -1: the whole message
  std::string subject;
  std::string error;
  std::string raw;
};

struct UnknownType {
  std::uint64_t count = 0;
  std::uint64_t last_sequence = 0;
};

// What one batch accumulates before flush(): everything its events mean,
// translated without the database.
struct BatchEffects {
  std::vector<PendingStatement> statements;  // business, service, calendar rows
  AggregateKeys aggregates;                  // touched by the batch's bookings (at flush)
  // Businesses with an applied business or calendar event (change_notice.h).
  std::set<std::string> changed_businesses;
  // Accounts whose password changed (their owners' older sessions ended).
  std::set<std::string> changed_accounts;
  std::vector<BookingOp> booking_ops;  // folded at flush (booking_fold.h)
  std::vector<HistoryRow> history;
  std::map<std::string, UnknownType> unknown_types;
  std::vector<DeadLetter> dead_letters;
  std::uint64_t events_applied = 0;
  std::uint64_t events_ignored = 0;  // known types this projection does not use
  std::uint64_t unknown_events = 0;
  std::uint64_t first_sequence = 0;  // of the commits translated, in order
  std::uint64_t last_sequence = 0;
  std::uint64_t commits = 0;
};

class ReadModelWriter {
 public:
  // Prepares the statements on a fresh connection (call once per connection).
  static void prepare(pqxx::connection& conn);

  // Translates into `effects` (no database needed: a prefetching thread may
  // do it while the previous batch is written).
  explicit ReadModelWriter(BatchEffects& effects);

  // The commit at `sequence` (decoded or not, for the sequence bookkeeping).
  void apply(const events::StoredCommit& commit);
  // Records a message that could not be decoded at all.
  void dead_letter(DeadLetter letter);
  // Writes everything `effects` holds in `tx`; call once, before the
  // checkpoint. Leaves the aggregate keys the bookings touched in
  // effects.aggregates.
  static void flush(pqxx::work& tx, const std::string& projection, BatchEffects& effects);

 private:
  void apply_event(const events::StoredCommit& commit, int index);
  // An account commit: its session generation (accounts rows).
  void apply_account(const events::StoredCommit& commit);
  // Counts an event this projection does not use: known or unknown type.
  void count_unused(const events::StoredCommit& commit, const google::protobuf::Any& any);
  void count(std::uint64_t sequence);

  StatementBatch batch_;
  BatchEffects& fx_;
};

// "Ada@Example.COM " -> "ada@example.com".
[[nodiscard]] std::string normalize_email(std::string_view email);

}  // namespace slotwise::projections
