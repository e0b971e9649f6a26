// `slotwise projections reset main --yes` (or typing the name at a terminal)
// empties the projection and sets its
// checkpoint to 0 while the projector runs; the projector is made to replay
// the log from the start and restores exactly the same rows.
#include <doctest/doctest.h>

#include "tests/support/metric_value.h"
#include "tests/tools/projections_support.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(ReadSideFixture, "reset, then the running projector rebuilds in place") {
  const std::string db = create_database("rm");
  const std::uint64_t last = append_bookings(*this, 0, 300);
  RunningProjector p(*store, db, "projector-main");
  REQUIRE(p.wait_for(last));
  const std::string before = dump(db);

  NoticeRecorder notices(db);
  const CliRun r = projections_cli(*this, db, {"reset", "main", "--yes"});
  REQUIRE_MESSAGE(r.code == 0, r.out);
  CHECK(contains(r.out, "serves empty data"));
  // Caches of the read models hear that everything changed.
  CHECK(notices.wait_for([](const std::string& n) { return n == "main|0|*"; }));

  REQUIRE(wait_checkpoint(db, last));
  CHECK(dump(db) == before);
  CHECK(count(db, "SELECT applied_commits FROM projection_checkpoints WHERE projection='main'") ==
        static_cast<std::int64_t>(last));
  // Every commit was applied twice by this projector: once before the
  // reset, once after it (nothing skipped, nothing doubled).
  CHECK_MESSAGE(
      metric_value(p.metrics(), "slotwise_projection_commits_total{projection=\"main\"}") ==
          std::to_string(2 * last),
      p.metrics());

  // New events after the reset are projected as usual.
  const std::uint64_t more = append_bookings(*this, 300, 20);
  REQUIRE(wait_checkpoint(db, more));
  CHECK(count(db, "SELECT count(*) FROM bookings") == 320);
  // ... and the replaying projector announces what each batch changed,
  // ending at the last position.
  const std::string last_batch = "main|" + std::to_string(more) + "|";
  CHECK(notices.wait_for([&](const std::string& n) {
    return n.starts_with(last_batch) && contains(n, "biz_p1");  // bkg_p319's business
  }));

  // At a terminal, typing the projection's name confirms as --yes does.
  const std::string after_more = dump(db);
  const CliRun typed = projections_cli_at_terminal(*this, db, {"reset", "main"}, "main");
  REQUIRE_MESSAGE(typed.code == 0, typed.out);
  CHECK(contains(typed.out, "Type the projection's name to confirm"));
  CHECK(contains(typed.out, "rows and checkpoint dropped"));
  REQUIRE(wait_checkpoint(db, more));
  CHECK(dump(db) == after_more);
}

}  // namespace slotwise::testing
