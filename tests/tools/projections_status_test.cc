// `slotwise projections status`: checkpoint, stream head and lag counted in
// commits, dead letters, whether a projector runs; and the documented exit
// codes for unknown projections, an unconfirmed reset and unreachable servers.
#include <doctest/doctest.h>

#include "tests/tools/projections_support.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(ReadSideFixture, "status counts lag and dead letters") {
  const std::string db = create_database("rm");
  append_bookings(*this, 0, 50);
  (void)publish_raw(*store, "sw.evt.calendar.biz_junk");
  const std::uint64_t applied = last_position();
  {
    RunningProjector p(*store, db, "projector-main");
    REQUIRE(p.wait_for(applied));
  }
  const std::uint64_t head = append_bookings(*this, 50, 25);
  REQUIRE(head == applied + 25);

  const CliRun r = projections_cli(*this, db, {"--json", "status"});
  REQUIRE_MESSAGE(r.code == 0, r.out);
  CHECK(contains(r.out, "\"name\":\"main\",\"checkpoint\":" + std::to_string(applied) +
                            ",\"stream_last_sequence\":" + std::to_string(head) + ",\"lag\":25,"));
  CHECK(contains(r.out, "\"dead_letters\":1,"));
  CHECK(contains(r.out, "\"rebuild_in_progress\":false"));
  CHECK(contains(r.out, "\"projector_running\":false"));
  CHECK(contains(r.out, "\"last_applied_time\":\"20"));

  RunningProjector p(*store, db, "projector-main");
  REQUIRE(p.wait_for(head));
  const CliRun live = projections_cli(*this, db, {"--json", "status", "main"});
  REQUIRE_MESSAGE(live.code == 0, live.out);
  CHECK(contains(live.out, "\"lag\":0,"));
  CHECK(contains(live.out, "\"projector_running\":true"));

  const CliRun table = projections_cli(*this, db, {"status"});
  CHECK(table.code == 0);
  CHECK(contains(table.out, "lag"));
  CHECK(contains(table.out, "running (pid "));
}

TEST_CASE_FIXTURE(ReadSideFixture, "unknown projections, unconfirmed resets, unreachable servers") {
  const std::string db = create_database("rm");
  const std::uint64_t last = append_bookings(*this, 0, 10);
  {
    RunningProjector p(*store, db, "projector-main");
    REQUIRE(p.wait_for(last));
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status", "nope"}, {"rebuild", "nope"}, {"reset", "nope", "--yes"}}) {
    const CliRun r = projections_cli(*this, db, args);
    CHECK(r.code == 2);
    CHECK(contains(r.out, "slotwise: unknown projection 'nope' (known: main)"));
  }
  const CliRun unconfirmed = projections_cli(*this, db, {"reset", "main"});
  CHECK(unconfirmed.code == 2);
  CHECK(contains(unconfirmed.out, "--yes"));
  // At a terminal it asks; anything but the projection's name declines.
  const CliRun declined = projections_cli_at_terminal(*this, db, {"reset", "main"}, "yes");
  CHECK(declined.code == 2);
  CHECK(contains(declined.out, "Type the projection's name to confirm"));
  CHECK(count(db, "SELECT count(*) FROM bookings") == 10);

  const std::string no_pg = "postgresql://slotwise@127.0.0.1:" + std::to_string(free_port()) + "/x";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status"}, {"rebuild", "main"}, {"reset", "main", "--yes"}}) {
    std::vector<std::string> argv = {"--nats", nats.url(), "--pg", no_pg, "projections"};
    argv.insert(argv.end(), args.begin(), args.end());
    const CliRun r = cli(argv);
    CHECK(r.code == 3);
    CHECK(contains(r.out, "slotwise: "));
  }
  const std::string no_nats = "nats://127.0.0.1:" + std::to_string(free_port());
  const CliRun r = cli({"--nats", no_nats, "--pg", db, "projections", "rebuild", "main"});
  CHECK(r.code == 3);
  CHECK(count(db, "SELECT count(*) FROM bookings") == 10);
}

}  // namespace slotwise::testing
