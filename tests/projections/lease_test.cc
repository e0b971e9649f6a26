// Two projector instances on one database: only the lease holder applies;
// the other stands by and takes over, from the checkpoint, when the holder
// stops. Nothing is applied twice, and a catch-up the holder left
// unfinished is finished by the instance that takes over.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

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

TEST_CASE_FIXTURE(ReadSideFixture,
                  "the instance taking over finishes the aggregates of a catch-up left behind") {
  const std::string db = create_database("rm");
  constexpr int kBusinesses = 30;
  constexpr int kBookings = 300;
  const auto biz = [](int i) { return "biz_t" + std::to_string(i % kBusinesses); };
  for (int i = 0; i < kBusinesses; ++i) {
    append<domain::BusinessEvent>("business", biz(i),
                                  {business_created(biz(i), "lease-t" + std::to_string(i), "usr_t",
                                                    "UTC", policy(15, 0, 30, 0))});
  }
  // Small batches, and daily_stats and customers deferred while more than
  // 10 commits follow a batch, so a backlog of 300 is a long catch-up.
  const auto small = [](projections::ProjectorOptions& o) {
    o.fetch.catchup_batch = 5;
    o.fetch.live_batch = 5;
    o.fetch.catchup_threshold = 0;
    o.defer_aggregates_after = 10;
  };
  const auto book = [&](int i) {
    const std::string bkg = "bkg_t" + std::to_string(i);
    append_pipelined<domain::CalendarEvent>(
        "calendar", biz(i),
        {booking_created(biz(i), bkg, "svc", 1'790'000'000 + std::int64_t{i} * 3600, 30, "UTC",
                         "c" + std::to_string(i) + "@example.com", 100),
         confirmed(biz(i), bkg)});
  };
  // Months of bookings already projected: many daily_stats and customers
  // rows, so a catch-up of a few hundred commits recomputes only the keys
  // it touched rather than every row (aggregate_upkeep.h).
  constexpr int kBefore = 1000;
  for (int i = 0; i < kBefore; ++i) book(i);
  drain();
  auto first = std::make_unique<RunningProjector>(*store, db, "projector-main", 5, small);
  REQUIRE(first->wait_leader());
  REQUIRE(first->wait_for(last_position()));
  // Standing by from before the catch-up begins: it read "nothing pending".
  // (It is standing by once its session polls for the lease.)
  RunningProjector second(*store, db, "projector-main", 5, small);
  const auto polling = [&] {
    return count(db,
                 "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                 " AND query LIKE '%pg_try_advisory_lock%'") > 0;
  };
  for (int i = 0; i < 1000 && !polling(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(polling());
  // The 300 commits reach the log together (30 calendars in flight at
  // once): the holder finds itself far behind.
  for (int i = kBefore; i < kBefore + kBookings; ++i) book(i);
  drain();
  // The holder stops part-way: aggregates deferred, the mark left.
  REQUIRE(first->wait_for(last_position() - kBookings + 40));
  first->stop();
  const auto stopped_at = first->projector().position();
  first.reset();
  REQUIRE(stopped_at < last_position());
  REQUIRE(count(db, "SELECT count(*) FROM aggregate_backlog") == 1);

  REQUIRE(second.wait_leader());
  REQUIRE(second.wait_for(last_position()));
  // Every booking counted once, by day and by customer; no mark left.
  CHECK(count(db, "SELECT sum(total) FROM daily_stats") == kBefore + kBookings);
  CHECK(count(db, "SELECT sum(bookings_count) FROM customers") == kBefore + kBookings);
  CHECK(count(db, "SELECT count(*) FROM customers") == kBefore + kBookings);
  CHECK(count(db, "SELECT count(*) FROM aggregate_backlog") == 0);
}

}  // namespace slotwise::testing
