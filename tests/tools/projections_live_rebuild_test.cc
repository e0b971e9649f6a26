// The live projector keeps running during a rebuild while commits keep being
// appended: after the swap it continues from the rebuilt checkpoint, so every
// commit appended before, during and after the rebuild is in the tables, and
// they equal a clean projection of the whole log.
#include <doctest/doctest.h>

#include <future>

#include "tests/tools/projections_support.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(ReadSideFixture, "events appended during a rebuild survive the swap") {
  const std::string db = create_database("rm");
  const std::uint64_t last = append_bookings(*this, 0, 2000);
  RunningProjector p(*store, db, "projector-main");
  REQUIRE(p.wait_for(last));

  auto rebuild = std::async(std::launch::async, [&] {
    return projections_cli(*this, db, {"rebuild", "main", "--batch", "500"});
  });
  // A steady trickle (at most 100 commits/s, 1,000 in all) that a loaded
  // test machine's rebuild can overtake.
  int next = 2000;
  while (rebuild.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready &&
         next < 3000) {
    append_bookings(*this, next, 5);
    next += 5;
  }
  const CliRun r = rebuild.get();
  REQUIRE_MESSAGE(r.code == 0, r.out);
  INFO("appended during the rebuild: " << next - 2000);
  CHECK(next > 2000);

  const std::uint64_t head = append_bookings(*this, next, 10);
  next += 10;
  REQUIRE(wait_checkpoint(db, head));
  CHECK(count(db, "SELECT count(*) FROM bookings") == next);
  CHECK(count(db, "SELECT applied_commits FROM projection_checkpoints WHERE projection='main'") ==
        static_cast<std::int64_t>(head));
  CHECK(dump(db) == clean_rebuild_dump(*this, "clean"));
}

}  // namespace slotwise::testing
