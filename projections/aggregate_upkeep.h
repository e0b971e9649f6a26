// AggregateUpkeep: keeps daily_stats and customers (derived from bookings)
// up to date across batches.
//
// A live batch recomputes the days it touched in its own transaction and
// folds its new bookings into their customers' rows (count, last booking,
// latest name: migration 0004) rather than re-reading each customer's whole
// history, which grew with the log; customers a move touched are recomputed. A
// catch-up batch (many events follow it) only marks the aggregates stale (a
// row in aggregate_backlog, written once per catch-up in a batch's
// transaction) and remembers its keys in memory; the batch that reaches the
// head (or the projector going idle) recomputes every remembered key once
// and removes the mark in the same transaction. Recomputing per catch-up
// batch rescanned each busy customer's bookings once per batch (quadratic
// over a long log); writing the keys to a table per batch cost as much as
// writing the bookings.
//
// The memory is bounded: past kMaxRemembered keys, or when the mark was
// already there at start (a projector died mid catch-up, its keys lost), the
// work-off recomputes every row instead. It does so too, and stops
// remembering, once the keys are as many as the rows the two tables held
// when the catch-up began: one pass over all bookings is then cheaper than
// joining every key (a catch-up into empty tables, a first start or a
// rebuild, remembers nothing).
//
// State changes only after the caller's transaction commits (committed()),
// so a failed batch leaves the upkeep as it was.
//
// Thread safety: none; belongs to one projector session.
// Errors: libpqxx exceptions propagate to the caller's guarded() (pg.h).
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace slotwise::projections {

using KeySet = std::set<std::pair<std::string, std::string>>;

// The daily_stats days (business, local date) and customers (business,
// normalized email) whose rows must be recomputed.
struct AggregateKeys {
  KeySet days;
  KeySet customers;  // every customer the batch changed
  // Of those, the ones a move changed (their last booking may be earlier
  // now): recomputed even live. The others changed only by new bookings.
  KeySet moved_customers;
  std::vector<std::string> new_bookings;  // inserted by the batch

  [[nodiscard]] std::size_t size() const { return days.size() + customers.size(); }
};

class AggregateUpkeep {
 public:
  static constexpr std::size_t kMaxRemembered = 200'000;
  // A catch-up that touched this many keys ends with ANALYZE of the tables.
  static constexpr std::size_t kAnalyzeAfter = 20'000;

  // Reads whether a mark is present (call at the start of a session).
  void start(pqxx::work& tx);

  // In a batch's transaction: `keys` were touched; `behind` = many events
  // follow, so only mark and remember. Otherwise recompute now (with
  // whatever a catch-up left).
  void batch(pqxx::work& tx, AggregateKeys keys, bool behind);
  // In an idle transaction: recompute what a catch-up left; false if none.
  bool work_off(pqxx::work& tx);
  // The transaction of the last batch()/work_off() committed.
  void committed();

  // A catch-up left work to do.
  [[nodiscard]] bool pending() const { return marked_; }

  // How the last committed batch()/work_off() that recomputed anything
  // did it.
  enum class Recompute { kNone, kLive, kKeys, kAll };
  [[nodiscard]] Recompute last_recompute() const { return last_; }

  // Recomputes every daily_stats and customers row and removes the mark.
  static void recompute_all(pqxx::work& tx);
  // Recomputes the daily_stats rows of `days` and the customers rows of
  // `customers`.
  static void recompute(pqxx::work& tx, const KeySet& days, const KeySet& customers);
  // A live batch's keys: days recomputed, new bookings added to their
  // customers, moved customers recomputed.
  static void apply_live(pqxx::work& tx, const AggregateKeys& keys);

 private:
  void finish(pqxx::work& tx, const AggregateKeys& batch_keys);

  bool marked_ = false;      // a mark is (or will be, at commit) in the table
  bool everything_ = false;  // the remembered keys are not all of them
  AggregateKeys remembered_;
  // What committed() applies.
  enum class Next { kNothing, kRemember, kClear } next_ = Next::kNothing;
  AggregateKeys staged_;
  // Rows of daily_stats + customers when the catch-up began (staged by its
  // first batch): remembering stops once the keys are as many.
  std::optional<std::int64_t> staged_rows_;
  std::int64_t rows_before_ = 0;
  Recompute staged_last_ = Recompute::kNone;
  Recompute last_ = Recompute::kNone;
};

}  // namespace slotwise::projections
