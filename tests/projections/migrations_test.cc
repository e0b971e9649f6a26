// Migrations are applied in name order, once, each recorded in
// schema_migrations; a failing one rolls back and stops the run.
#include "projections/migrations.h"

#include <doctest/doctest.h>

#include <array>

#include "tests/support/postgres_server.h"

namespace slotwise::projections {

TEST_CASE("migrations apply once, in order, and a failing one leaves nothing behind") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto embedded = embedded_migrations();
  REQUIRE_FALSE(embedded.empty());
  CHECK(embedded[0].name == "0001_read_models.sql");

  auto first = apply_migrations(c, embedded);
  REQUIRE(first.ok());
  CHECK(first.value() == static_cast<int>(embedded.size()));
  auto again = apply_migrations(c, embedded);
  REQUIRE(again.ok());
  CHECK(again.value() == 0);
  {
    pqxx::read_transaction tx(c);
    CHECK(tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<std::size_t>() ==
          embedded.size());
    CHECK(tx.exec1("SELECT count(*) FROM bookings")[0].as<int>() == 0);
  }

  const std::array<Migration, 3> extra = {
      {{"9001_ok.sql", "CREATE TABLE extra_ok (id int)"},
       {"9002_bad.sql", "CREATE TABLE extra_bad (id int); SELECT nope"},
       {"9003_never.sql", "CREATE TABLE extra_never (id int)"}}};
  auto failed = apply_migrations(c, extra);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kDatabase);
  CHECK(failed.error().message.find("42703") != std::string::npos);  // undefined column
  pqxx::read_transaction tx(c);
  CHECK(
      tx.exec1("SELECT count(*) FROM schema_migrations WHERE name = '9001_ok.sql'")[0].as<int>() ==
      1);
  CHECK(
      tx.exec1("SELECT count(*) FROM pg_tables WHERE tablename IN ('extra_bad', 'extra_never')")[0]
          .as<int>() == 0);
}

TEST_CASE("0006 keeps history details as written and converts the rows already there") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto embedded = embedded_migrations();
  std::size_t before = 0;
  while (before < embedded.size() && embedded[before].name < "0006") ++before;
  REQUIRE(before < embedded.size());
  CHECK(embedded[before].name == "0006_history_detail_json.sql");
  REQUIRE(apply_migrations(c, embedded.subspan(0, before)).ok());

  // A row written while details were jsonb: stored normalized.
  const std::string insert =
      "INSERT INTO booking_history (booking_id, seq, event_index, business_id, event_type,"
      " occurred_at, actor_kind, actor_id, detail) VALUES ($1, 1, 0, 'biz_m', 'BookingConfirmed',"
      " now(), 'system', '', $2)";
  const std::string written = R"({"zeta":1,"bookingId":"bkg_old","amount":{"minor":"4500"}})";
  {
    pqxx::work tx(c);
    tx.exec_params0(insert, "bkg_old", written);
    tx.commit();
  }
  REQUIRE(apply_migrations(c, embedded.subspan(before)).ok());
  {
    pqxx::work tx(c);
    tx.exec_params0(insert, "bkg_new", written);
    tx.commit();
  }
  pqxx::read_transaction tx(c);
  CHECK(tx.exec1("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid ="
                 " 'booking_history'::regclass AND attname = 'detail'")[0]
            .as<std::string>() == "json");
  // The converted row is the same JSON value; a new one is the same text.
  CHECK(tx.exec_params1("SELECT detail::jsonb = $1::jsonb FROM booking_history WHERE booking_id ="
                        " 'bkg_old'",
                        written)[0]
            .as<bool>());
  CHECK(tx.exec1("SELECT detail::text FROM booking_history WHERE booking_id = 'bkg_new'")[0]
            .as<std::string>() == written);
}

}  // namespace slotwise::projections
