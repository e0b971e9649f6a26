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

}  // namespace slotwise::projections
