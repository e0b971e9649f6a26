// The PostgreSQL fixture starts a real, private cluster that accepts
// connections and transactions, and two fixtures do not collide.
#include "tests/support/postgres_server.h"

#include <doctest/doctest.h>

#include <pqxx/pqxx>

TEST_CASE("a throwaway PostgreSQL 15 cluster accepts connections and transactions") {
  slotwise::testing::PostgresServerFixture pg;
  slotwise::testing::PostgresServerFixture other;
  CHECK(pg.port() != other.port());
  pqxx::connection c(pg.url());
  pqxx::work tx(c);
  const auto version = tx.exec1("SHOW server_version_num")[0].as<int>();
  CHECK(version >= 150000);
  CHECK(version < 160000);
  tx.exec0("CREATE TABLE t (id int PRIMARY KEY)");
  tx.exec0("INSERT INTO t VALUES (1), (2)");
  tx.commit();
  pqxx::work read(c);
  CHECK(read.exec1("SELECT count(*) FROM t")[0].as<int>() == 2);
  // The other cluster is separate.
  pqxx::connection c2(other.url());
  pqxx::work tx2(c2);
  CHECK(tx2.exec1("SELECT count(*) FROM pg_tables WHERE tablename = 't'")[0].as<int>() == 0);
}
