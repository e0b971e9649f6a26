// ReadModelWriter: applies the events of one commit to the read-model tables
// inside the batch's transaction, and, at the end of the batch, writes what
// is cheaper per batch than per event (booking history as multi-row inserts,
// recomputed customers and daily stats, unknown-type counts, dead letters).
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
#include "projections/statement_batch.h"

namespace slotwise::projections {

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

// What one batch accumulates before flush().
struct BatchEffects {
  std::set<std::pair<std::string, std::string>> stat_days;         // (business, local date)
  std::set<std::pair<std::string, std::string>> customer_keys;     // (business, email)
  std::set<std::pair<std::string, std::string>> touched_bookings;  // (business, booking)
  // Businesses with an applied business or calendar event (change_notice.h).
  std::set<std::string> changed_businesses;
  std::vector<HistoryRow> history;
  std::map<std::string, UnknownType> unknown_types;
  std::vector<DeadLetter> dead_letters;
  std::uint64_t events_applied = 0;
  std::uint64_t events_ignored = 0;  // known types this projection does not use
  std::uint64_t unknown_events = 0;
};

// How flush() keeps daily_stats and customers (derived from bookings) up to date.
enum class AggregateUpkeep {
  // Recompute the batch's keys and every key in aggregate_backlog now, and
  // empty the backlog (live batches).
  kNow,
  // Only add the batch's keys to aggregate_backlog (catch-up: each key's
  // bookings are then scanned once, when the backlog is worked off, instead
  // of once per batch that touches it).
  kBacklog,
  // Leave them alone; recompute_all_aggregates() follows (a rebuild's
  // shadow, replayed into empty tables).
  kDeferred,
};

class ReadModelWriter {
 public:
  // Prepares the statements on a fresh connection (call once per connection).
  static void prepare(pqxx::connection& conn);

  ReadModelWriter(pqxx::work& tx, std::string projection, BatchEffects& effects,
                  AggregateUpkeep upkeep = AggregateUpkeep::kNow);
  // Recomputes every daily_stats and customers row from bookings (and
  // empties the backlog).
  static void recompute_all_aggregates(pqxx::work& tx);
  // Recomputes the keys in aggregate_backlog and empties it; false when it
  // was empty.
  static bool work_off_backlog(pqxx::work& tx);

  void apply(const events::StoredCommit& commit);
  // Records a message that could not be decoded at all.
  void dead_letter(DeadLetter letter) { fx_.dead_letters.push_back(std::move(letter)); }
  // Writes the batch-level rows; call once, before the checkpoint.
  void flush();

 private:
  void apply_event(const events::StoredCommit& commit, int index);
  void record_backlog();

  void touched_keys();
  void insert_history();

  pqxx::work& tx_;
  StatementBatch batch_;
  std::string projection_;
  BatchEffects& fx_;
  AggregateUpkeep upkeep_;
};

// "Ada@Example.COM " -> "ada@example.com".
[[nodiscard]] std::string normalize_email(std::string_view email);

}  // namespace slotwise::projections
