// `slotwise projections rebuild main` replays the log into shadow tables and
// swaps them in: the live tables are replaced (new table OIDs) by exactly
// the same rows, the checkpoint is the log's head, the read-only query role
// can still read them, and no shadow schema is left behind.
#include <doctest/doctest.h>

#include "query-api/query_config.h"
#include "tests/tools/projections_support.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(ReadSideFixture, "rebuild swaps in tables with exactly the live rows") {
  const std::string db = create_database("rm");
  const std::uint64_t last = append_bookings(*this, 0, 400);
  {
    RunningProjector p(*store, db, "projector-main");
    REQUIRE(p.wait_for(last));
  }
  const std::string before = dump(db);
  const std::int64_t bookings_oid = table_oid(db, "bookings");
  REQUIRE(count(db, "SELECT count(*) FROM bookings") == 400);

  // A small batch: many shadow transactions.
  const CliRun r = projections_cli(*this, db, {"rebuild", "main", "--batch", "97"});
  REQUIRE_MESSAGE(r.code == 0, r.out);
  CHECK(contains(r.out, "rebuilt main: " + std::to_string(last) + " commits"));
  CHECK(contains(r.out, "rebuild main: "));  // progress on stderr

  CHECK(table_oid(db, "bookings") != bookings_oid);
  CHECK(dump(db) == before);
  CHECK(count(db, "SELECT position FROM projection_checkpoints WHERE projection='main'") ==
        static_cast<std::int64_t>(last));
  CHECK(count(db, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'slotwise_%'") == 0);
  // The query role keeps SELECT on the new tables.
  const std::string as_query = query::with_user(db, "slotwise_query");
  CHECK(count(as_query, "SELECT count(*) FROM bookings") == 400);
  CHECK(count(as_query, "SELECT count(*) FROM daily_stats") > 0);

  // --json reports the same numbers.
  const CliRun again = projections_cli(*this, db, {"--json", "rebuild", "main"});
  REQUIRE_MESSAGE(again.code == 0, again.out);
  CHECK(contains(again.out, "\"commits\":" + std::to_string(last)));
  CHECK(contains(again.out, "\"position\":" + std::to_string(last)));
  CHECK(dump(db) == before);
}

}  // namespace slotwise::testing
