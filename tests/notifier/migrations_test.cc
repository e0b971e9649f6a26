// The notifier's migrations: 0002 marks the booking rows mirrored before it
// as applied up to the planner's checkpoint, so a replay of the log after
// the upgrade does not apply their events a second time; 0004 does the same
// for the accounts (their password changes get no notice on a replay).
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "notifier/notifier_migrations.h"
#include "projections/migrations.h"
#include "tests/support/postgres_server.h"

namespace slotwise::notifier {

TEST_CASE("0002 marks the bookings already mirrored as applied up to the checkpoint") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto embedded = notifier_migrations();
  std::size_t before = 0;
  while (before < embedded.size() && embedded[before].name < "notifier_0002") ++before;
  REQUIRE(before < embedded.size());
  CHECK(embedded[before].name == "notifier_0002_booking_applied.sql");
  REQUIRE(projections::apply_migrations(c, embedded.subspan(0, before)).ok());
  {
    pqxx::work tx(c);
    tx.exec0("INSERT INTO notifier_checkpoints (consumer, position) VALUES ('notifier', 42)");
    tx.exec0(
        "INSERT INTO notifier_bookings (booking_id, business_id, service_id, start_at, end_at,"
        " customer_name, customer_email, status, revision) VALUES ('bkg_old', 'biz', 'svc',"
        " now(), now(), 'Ann', 'ann@example.com', 'confirmed', 2)");
    tx.commit();
  }
  REQUIRE(projections::apply_migrations(c, embedded.subspan(before)).ok());
  pqxx::read_transaction tx(c);
  const auto row = tx.exec1(
      "SELECT applied_sequence, applied_event, revision FROM notifier_bookings"
      " WHERE booking_id = 'bkg_old'");
  CHECK(row[0].as<std::int64_t>() == 42);
  // The whole commit at the checkpoint, whatever its number of events.
  CHECK(row[1].as<std::int64_t>() == 2147483647);
  CHECK(row[2].as<int>() == 2);
}

TEST_CASE("0004 marks the accounts already mirrored as applied up to the checkpoint") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto embedded = notifier_migrations();
  std::size_t before = 0;
  while (before < embedded.size() && embedded[before].name < "notifier_0004") ++before;
  REQUIRE(before < embedded.size());
  CHECK(embedded[before].name == "notifier_0004_user_password_changes.sql");
  REQUIRE(projections::apply_migrations(c, embedded.subspan(0, before)).ok());
  {
    pqxx::work tx(c);
    tx.exec0("INSERT INTO notifier_checkpoints (consumer, position) VALUES ('notifier', 42)");
    tx.exec0(
        "INSERT INTO notifier_users (user_id, email, name) VALUES ('usr_old', 'old@example.com',"
        " 'Old')");
    tx.commit();
  }
  REQUIRE(projections::apply_migrations(c, embedded.subspan(before)).ok());
  pqxx::read_transaction tx(c);
  const auto row = tx.exec1(
      "SELECT applied_sequence, applied_event, password_changes FROM notifier_users"
      " WHERE user_id = 'usr_old'");
  CHECK(row[0].as<std::int64_t>() == 42);
  CHECK(row[1].as<std::int64_t>() == 2147483647);
  CHECK(row[2].as<int>() == 0);
}

}  // namespace slotwise::notifier
