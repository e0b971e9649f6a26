#include "projections/aggregate_upkeep.h"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include "projections/statement_batch.h"

namespace slotwise::projections {
namespace {

constexpr std::size_t kKeysPerStatement = 1000;
// Up to this many keys go in VALUES lists (whose row counts the planner
// knows); more through the temporary table.
constexpr std::size_t kKeysViaValues = 5 * kKeysPerStatement;
constexpr const char* kKeysTable = "pg_temp.sw_aggregate_keys";

// Daily stats from bookings, for the keys `join` selects ("" = every key).
std::string stats_insert(const std::string& join) {
  return "INSERT INTO daily_stats (business_id, local_date, tentative, confirmed, cancelled,"
         " expired, completed, no_show, total, revenue_minor, currency)"
         " SELECT b.business_id, b.local_date,"
         " count(*) FILTER (WHERE status='tentative'), count(*) FILTER (WHERE status='confirmed'),"
         " count(*) FILTER (WHERE status='cancelled'), count(*) FILTER (WHERE status='expired'),"
         " count(*) FILTER (WHERE status='completed'), count(*) FILTER (WHERE status='no_show'),"
         " count(*), coalesce(sum(price_minor) FILTER (WHERE status IN ('confirmed','completed')),"
         " 0), min(currency) FROM bookings b" +
         join + " GROUP BY b.business_id, b.local_date";
}

// The customers columns computed from a set of bookings `b` (grouped by
// business and normalized email): the latest created booking names the
// customer.
constexpr const char* kCustomerColumns =
    "INSERT INTO customers (business_id, email_normalized, name, email, phone,"
    " bookings_count, last_booking_at, latest_created_at, latest_booking_id)"
    " SELECT b.business_id, b.customer_email_normalized,"
    " (array_agg(customer_name ORDER BY created_at DESC, booking_id DESC))[1],"
    " (array_agg(customer_email ORDER BY created_at DESC, booking_id DESC))[1],"
    " (array_agg(customer_phone ORDER BY created_at DESC, booking_id DESC))[1],"
    " count(*), max(start_at), max(created_at),"
    " (array_agg(booking_id ORDER BY created_at DESC, booking_id DESC))[1] FROM bookings b";

// Customers from bookings, for the keys `join` selects ("" = every key).
std::string customers_upsert(const std::string& join) {
  return std::string(kCustomerColumns) + join +
         " WHERE b.customer_email_normalized <> ''"
         " GROUP BY b.business_id, b.customer_email_normalized"
         " ON CONFLICT (business_id, email_normalized) DO UPDATE SET name=EXCLUDED.name,"
         " email=EXCLUDED.email, phone=EXCLUDED.phone, bookings_count=EXCLUDED.bookings_count,"
         " last_booking_at=EXCLUDED.last_booking_at,"
         " latest_created_at=EXCLUDED.latest_created_at,"
         " latest_booking_id=EXCLUDED.latest_booking_id";
}

// Bookings just inserted (ids in $1), folded into their customers' rows:
// counted once more, the later last booking, and the newer name.
std::string customers_add_new() {
  const char* newer =
      "(EXCLUDED.latest_created_at, EXCLUDED.latest_booking_id) >"
      " (customers.latest_created_at, customers.latest_booking_id)";
  const auto pick = [&](const char* col) {
    return std::string(" ") + col + " = CASE WHEN " + newer + " THEN EXCLUDED." + col +
           " ELSE customers." + col + " END";
  };
  return std::string(kCustomerColumns) +
         " WHERE b.booking_id = ANY($1::text[]) AND b.customer_email_normalized <> ''"
         " GROUP BY b.business_id, b.customer_email_normalized"
         " ON CONFLICT (business_id, email_normalized) DO UPDATE SET" +
         pick("name") + "," + pick("email") + "," + pick("phone") + "," +
         pick("latest_booking_id") + "," + pick("latest_created_at") +
         ", bookings_count = customers.bookings_count + EXCLUDED.bookings_count,"
         " last_booking_at = greatest(customers.last_booking_at, EXCLUDED.last_booking_at)";
}

// Calls `f` with "(VALUES (...),...) AS k(business_id, key)" for each chunk
// of at most kKeysPerStatement keys; `cast` types the key column.
template <class F>
void for_each_chunk(pqxx::work& tx, const KeySet& keys, const char* cast, F f) {
  auto it = keys.begin();
  while (it != keys.end()) {
    std::string sql = "(VALUES ";
    for (std::size_t n = 0; n < kKeysPerStatement && it != keys.end(); ++n, ++it) {
      if (n > 0) sql += ',';
      sql += '(' + tx.quote(it->first) + ',' + tx.quote(it->second) + cast + ')';
    }
    f(sql + ") AS k(business_id, key)");
  }
}

// Many keys: streamed into a temporary table and recomputed by three
// set-based statements (a thousand-row VALUES list per chunk spent its time
// in the parser).
void recompute_many(pqxx::work& tx, const KeySet& days, const KeySet& customers) {
  tx.exec0("DELETE FROM " + std::string(kKeysTable));
  {
    pqxx::stream_to s(tx, kKeysTable, std::vector<std::string>{"business_id", "kind", "key"});
    for (const auto& [business, day] : days) s << std::tie(business, "day", day);
    for (const auto& [business, email] : customers) s << std::tie(business, "customer", email);
    s.complete();
  }
  const std::string table(kKeysTable);
  // Without statistics the planner guesses the key count and may join by
  // scanning every booking.
  tx.exec0("ANALYZE " + table);
  tx.exec0("DELETE FROM daily_stats d USING " + table +
           " k WHERE k.kind = 'day' AND d.business_id = k.business_id"
           " AND d.local_date = k.key::date");
  tx.exec0(stats_insert(" JOIN (SELECT business_id, key::date AS key FROM " + table +
                        " WHERE kind = 'day') k"
                        " ON b.business_id = k.business_id AND b.local_date = k.key"));
  tx.exec0(customers_upsert(" JOIN (SELECT business_id, key FROM " + table +
                            " WHERE kind = 'customer') k ON b.business_id = k.business_id"
                            " AND b.customer_email_normalized = k.key"));
}

}  // namespace

void AggregateUpkeep::recompute_all(pqxx::work& tx) {
  tx.exec0("DELETE FROM aggregate_backlog");
  tx.exec0("DELETE FROM daily_stats");
  tx.exec0("DELETE FROM customers");
  tx.exec0(stats_insert(""));
  tx.exec0(customers_upsert(""));
}

void AggregateUpkeep::recompute(pqxx::work& tx, const KeySet& days, const KeySet& customers) {
  if (days.size() + customers.size() > kKeysViaValues) {
    recompute_many(tx, days, customers);
    return;
  }
  for_each_chunk(tx, days, "::date", [&](const std::string& k) {
    tx.exec0("DELETE FROM daily_stats d USING " + k +
             " WHERE d.business_id = k.business_id AND d.local_date = k.key");
    tx.exec0(
        stats_insert(" JOIN " + k + " ON b.business_id = k.business_id AND b.local_date = k.key"));
  });
  for_each_chunk(tx, customers, "", [&](const std::string& k) {
    tx.exec0(customers_upsert(" JOIN " + k +
                              " ON b.business_id = k.business_id"
                              " AND b.customer_email_normalized = k.key"));
  });
}

void AggregateUpkeep::apply_live(pqxx::work& tx, const AggregateKeys& keys) {
  recompute(tx, keys.days, {});
  if (!keys.new_bookings.empty()) {
    std::vector<const std::string*> ids;
    ids.reserve(keys.new_bookings.size());
    for (const std::string& id : keys.new_bookings) ids.push_back(&id);
    tx.exec_params0(customers_add_new(), text_array(ids));
  }
  // After the additions: a moved customer's row is rebuilt from all of its
  // bookings, the new ones included.
  recompute(tx, {}, keys.moved_customers);
}

void AggregateUpkeep::start(pqxx::work& tx) {
  tx.exec0(
      "CREATE TEMP TABLE IF NOT EXISTS sw_aggregate_keys (business_id text NOT NULL,"
      " kind text NOT NULL, key text NOT NULL) ON COMMIT DELETE ROWS");
  marked_ = !tx.exec("SELECT 1 FROM aggregate_backlog LIMIT 1").empty();
  everything_ = marked_;
  remembered_ = {};
  staged_ = {};
  staged_rows_.reset();
  staged_last_ = Recompute::kNone;
  next_ = Next::kNothing;
}

void AggregateUpkeep::finish(pqxx::work& tx, const AggregateKeys& batch_keys) {
  if (!marked_) {
    apply_live(tx, batch_keys);
    staged_last_ = Recompute::kLive;
    return;
  }
  // A long catch-up may have multiplied the tables since autovacuum last
  // sampled them: the recompute below and every live batch after it (a
  // DELETE ... USING on daily_stats planned for an empty table scans all of
  // it) need today's row counts. A short lapse behind is not worth it.
  const bool long_catch_up = everything_ || remembered_.size() >= kAnalyzeAfter;
  if (long_catch_up) tx.exec0("ANALYZE bookings");
  if (everything_) {
    recompute_all(tx);
    staged_last_ = Recompute::kAll;
  } else {
    staged_last_ = Recompute::kKeys;
    recompute(tx, remembered_.days, remembered_.customers);
    tx.exec0("DELETE FROM aggregate_backlog");
    recompute(tx, batch_keys.days, batch_keys.customers);
  }
  if (long_catch_up) tx.exec0("ANALYZE booking_history, daily_stats, customers");
}

void AggregateUpkeep::batch(pqxx::work& tx, AggregateKeys keys, bool behind) {
  staged_ = std::move(keys);
  if (behind) {
    if (!marked_) {
      tx.exec0(
          "INSERT INTO aggregate_backlog (business_id, kind, key) VALUES ('', 'all', '')"
          " ON CONFLICT DO NOTHING");
      // The rows the two tables hold now are the rows they hold until the
      // catch-up ends (it does not write them). Once its keys are as many,
      // recomputing every row in one pass over the bookings is cheaper
      // than joining every key to them, and remembering more keys (a set
      // merge per batch on the applying thread, the catch-up's critical
      // path) is wasted: committed() then stops. Into empty tables (a
      // first start, a rebuild) that is at once. Measured: a
      // 200,000-commit catch-up into empty tables, docs/benchmarks.md
      // (session 12).
      staged_rows_ =
          tx.exec1(
                "SELECT (SELECT count(*) FROM daily_stats) + (SELECT count(*) FROM customers)")[0]
              .as<std::int64_t>();
    }
    next_ = Next::kRemember;
    return;
  }
  finish(tx, staged_);
  next_ = marked_ ? Next::kClear : Next::kNothing;
}

bool AggregateUpkeep::work_off(pqxx::work& tx) {
  if (!marked_) return false;
  finish(tx, {});
  next_ = Next::kClear;
  return true;
}

void AggregateUpkeep::committed() {
  switch (next_) {
    case Next::kRemember:
      marked_ = true;
      if (staged_rows_) rows_before_ = *staged_rows_;
      if (!everything_) {
        remembered_.days.merge(staged_.days);
        remembered_.customers.merge(staged_.customers);
        if (remembered_.size() > kMaxRemembered ||
            static_cast<std::int64_t>(remembered_.size()) >= rows_before_) {
          everything_ = true;
          remembered_ = {};
        }
      }
      break;
    case Next::kClear:
      marked_ = false;
      everything_ = false;
      remembered_ = {};
      break;
    case Next::kNothing:
      break;
  }
  if (staged_last_ != Recompute::kNone) last_ = staged_last_;
  staged_ = {};
  staged_rows_.reset();
  staged_last_ = Recompute::kNone;
  next_ = Next::kNothing;
}

}  // namespace slotwise::projections
