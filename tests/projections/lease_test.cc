// Two projector instances on one database: only the lease holder applies;
// the other stands by and takes over, from the checkpoint, when the holder
// stops. Nothing is applied twice.
#include <doctest/doctest.h>

#include "tests/read_side/read_side_fixture.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(ReadSideFixture, "a second projector waits for the lease and takes over") {
  const std::string db = create_database("rm");
  append<domain::BusinessEvent>(
      "business", "biz_l",
      {business_created("biz_l", "lease-l", "usr_l", "UTC", policy(15, 0, 30, 0))});
  auto book = [&](int i) {
    const std::string bkg = "bkg_l" + std::to_string(i);
    append<domain::CalendarEvent>(
        "calendar", "biz_l",
        {booking_created("biz_l", bkg, "svc", 1'790'000'000 + i * 3600, 30, "UTC",
                         "c" + std::to_string(i) + "@example.com", 100),
         confirmed("biz_l", bkg)});
  };
  for (int i = 0; i < 20; ++i) book(i);

  auto first = std::make_unique<RunningProjector>(*store, db, "projector-main");
  REQUIRE(first->wait_leader());
  RunningProjector second(*store, db, "projector-main");
  REQUIRE(first->wait_for(last_position()));
  for (int i = 20; i < 40; ++i) book(i);
  REQUIRE(first->wait_for(last_position()));
  CHECK_FALSE(second.projector().leader());
  CHECK(second.projector().position() == 0);  // never applied anything

  first->stop();
  first.reset();
  REQUIRE(second.wait_leader());
  for (int i = 40; i < 60; ++i) book(i);
  REQUIRE(second.wait_for(last_position()));

  CHECK(count(db, "SELECT count(*) FROM bookings WHERE status='confirmed'") == 60);
  CHECK(count(db, "SELECT count(*) FROM booking_history") == 120);
  CHECK(count(db, "SELECT sum(total) FROM daily_stats") == 60);
  CHECK(count(db, "SELECT applied_commits FROM projection_checkpoints") ==
        static_cast<std::int64_t>(last_position()));
}

}  // namespace slotwise::testing
