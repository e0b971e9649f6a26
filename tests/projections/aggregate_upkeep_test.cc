// AggregateUpkeep at the end of a catch-up, against a real PostgreSQL:
// whichever way it recomputes daily_stats and customers (every row, or only
// the keys the catch-up touched), the rows equal a recompute from every
// booking, and it recomputes every row exactly when that is the cheaper
// way: tables empty when the catch-up began, or fewer rows in them than the
// catch-up touched keys.
#include "projections/aggregate_upkeep.h"

#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <string>

#include "domain/proto_values.h"
#include "projections/migrations.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {
namespace {

using projections::AggregateKeys;
using projections::AggregateUpkeep;
using Recompute = AggregateUpkeep::Recompute;

constexpr int kBusinesses = 10;
constexpr int kCustomers = 7;

std::string business(int i) { return "biz_u" + std::to_string(i % kBusinesses); }
std::string email(int i) { return "c" + std::to_string(i % kCustomers) + "@example.com"; }

struct UpkeepFixture {
  PostgresServerFixture pg;
  pqxx::connection c{pg.url()};

  UpkeepFixture() { REQUIRE(projections::apply_migrations(c, projections::embedded_migrations())); }

  // Bookings [from, to): booking i of business(i), on its own local day
  // (2030-01-01 + i), for customer email(i); every third one confirmed.
  static void insert_bookings(pqxx::work& tx, int from, int to) {
    tx.exec_params0(
        "INSERT INTO bookings SELECT 'bkg_u' || i, 'biz_u' || (i % $3), 'svc',"
        " CASE WHEN i % 3 = 0 THEN 'confirmed' ELSE 'cancelled' END,"
        " timestamptz '2030-01-01 09:00Z' + i * interval '1 day',"
        " timestamptz '2030-01-01 10:00Z' + i * interval '1 day', date '2030-01-01' + i, 0, 0,"
        " 'UTC', 'Name ' || i, 'c' || (i % $4) || '@example.com', 'c' || (i % $4) || "
        "'@example.com',"
        " '', 'UTC', '', 1000 + i, 0, 'EUR', '', NULL,"
        " timestamptz '2029-01-01 00:00Z' + i * interval '1 minute',"
        " timestamptz '2029-01-01 00:00Z' + i * interval '1 minute', 1"
        " FROM generate_series($1::int, $2::int - 1) AS i",
        from, to, kBusinesses, kCustomers);
  }

  // The keys a projector's batches report for bookings [from, to).
  static AggregateKeys keys(int from, int to) {
    AggregateKeys k;
    const domain::LocalDate first{date::year{2030} / 1 / 1};
    for (int i = from; i < to; ++i) {
      k.days.emplace(business(i), domain::format_local_date(first + date::days{i}));
      k.customers.emplace(business(i), email(i));
    }
    return k;
  }

  // The two tables, in a fixed order.
  std::string aggregates() {
    pqxx::read_transaction tx(c);
    std::string out;
    for (const char* sql :
         {"SELECT d::text FROM daily_stats d ORDER BY business_id, local_date",
          "SELECT cu::text FROM customers cu ORDER BY business_id, email_normalized"}) {
      for (const auto& row : tx.exec(sql)) out += row[0].c_str() + std::string("\n");
    }
    return out;
  }

  // The two tables as a recompute from every booking leaves them (the
  // transaction is rolled back).
  std::string expected() {
    std::string out;
    {
      pqxx::work tx(c);
      AggregateUpkeep::recompute_all(tx);
      for (const char* sql :
           {"SELECT d::text FROM daily_stats d ORDER BY business_id, local_date",
            "SELECT cu::text FROM customers cu ORDER BY business_id, email_normalized"}) {
        for (const auto& row : tx.exec(sql)) out += row[0].c_str() + std::string("\n");
      }
      tx.abort();
    }
    return out;
  }

  // A catch-up of bookings [from, to) in batches of `batch` (each one
  // "behind"), then the batch that reaches the head (no keys of its own).
  void catch_up(AggregateUpkeep& upkeep, int from, int to, int batch) {
    for (int at = from; at < to; at += batch) {
      const int end = std::min(to, at + batch);
      pqxx::work tx(c);
      insert_bookings(tx, at, end);
      upkeep.batch(tx, keys(at, end), true);
      tx.commit();
      upkeep.committed();
      CHECK(upkeep.pending());
    }
    pqxx::work tx(c);
    upkeep.batch(tx, {}, false);
    tx.commit();
    upkeep.committed();
    CHECK_FALSE(upkeep.pending());
  }

  // Bookings [0, n) with their aggregates up to date: the tables a live
  // projection had before falling behind.
  void fill(int n) {
    pqxx::work tx(c);
    insert_bookings(tx, 0, n);
    AggregateUpkeep::recompute_all(tx);
    tx.commit();
  }

  // Tables holding bookings [0, filled) and their aggregates, then a
  // catch-up to `upto`: checks the rows against a recompute from every
  // booking and returns how the upkeep recomputed them.
  Recompute catch_up_on(int filled, int upto, int batch) {
    if (filled > 0) fill(filled);
    AggregateUpkeep upkeep;
    start(upkeep);
    catch_up(upkeep, filled, upto, batch);
    CHECK(aggregates() == expected());
    CHECK(count("SELECT count(*) FROM daily_stats") == upto);
    CHECK(count("SELECT sum(bookings_count) FROM customers") == upto);
    CHECK(count("SELECT count(*) FROM aggregate_backlog") == 0);
    return upkeep.last_recompute();
  }

  void start(AggregateUpkeep& upkeep) {
    pqxx::work tx(c);
    upkeep.start(tx);
    tx.commit();
  }

  std::int64_t count(const std::string& sql) {
    pqxx::read_transaction tx(c);
    return tx.exec1(sql)[0].as<std::int64_t>();
  }
};

}  // namespace

TEST_CASE_FIXTURE(UpkeepFixture, "a catch-up into empty tables recomputes every row") {
  CHECK(catch_up_on(0, 300, 100) == Recompute::kAll);
}

TEST_CASE_FIXTURE(UpkeepFixture, "a catch-up smaller than the tables recomputes only its keys") {
  // 6,000 days and 70 customers: more keys than VALUES lists take, fewer
  // than the 20,070 rows already there.
  CHECK(catch_up_on(20'000, 26'000, 2'000) == Recompute::kKeys);
}

TEST_CASE_FIXTURE(UpkeepFixture,
                  "a catch-up that outnumbers the tables' rows recomputes every row") {
  CHECK(catch_up_on(1'000, 7'000, 2'000) == Recompute::kAll);  // 6,070 keys, 1,070 rows
}

TEST_CASE_FIXTURE(UpkeepFixture, "a short catch-up on filled tables recomputes its keys") {
  CHECK(catch_up_on(500, 800, 100) == Recompute::kKeys);  // 370 keys: VALUES lists, no count
}

}  // namespace slotwise::testing
