// kill -9 of the slotwise-projector process in the middle of a catch-up:
// after a restart the tables equal a clean rebuild and nothing is counted
// twice. The suite uses 6,000 commits (many batches); the 1M-event
// run is the same test with SLOTWISE_CRASH_TEST_BOOKINGS=500000 (commits of
// 2 events), run outside CI (docs/benchmarks.md records it).
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>

#include "tests/read_side/read_side_fixture.h"
#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

int bookings_to_append() {
  const char* env = std::getenv("SLOTWISE_CRASH_TEST_BOOKINGS");  // NOLINT(concurrency-mt-unsafe)
  return env != nullptr ? std::max(100, std::atoi(env)) : 6000;   // NOLINT(cert-err34-c)
}

Process start_projector(const TempDir& dir, const std::string& nats_url, const std::string& db,
                        const std::string& name) {
  const std::string conf = dir.path() + "/" + name + ".conf";
  std::ofstream(conf) << "nats_url = " << nats_url << "\npg_url = " << db
                      << "\nhttp_port = 0\ncatchup_batch = 200\ndefer_aggregates_after = 1000\n";
  return Process({SLOTWISE_PROJECTOR_BIN, conf}, dir.path() + "/" + name + ".log");
}

std::int64_t position(const std::string& db) {
  try {
    return count(db, "SELECT coalesce(max(position), 0) FROM projection_checkpoints");
  } catch (const std::exception&) {
    return 0;  // not migrated yet
  }
}

bool wait_position(const std::string& db, std::int64_t at_least, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (position(db) >= at_least) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE_FIXTURE(ReadSideFixture, "kill -9 during catch-up loses and doubles nothing") {
  const int kBookings = bookings_to_append();
  // Generous bounds: ~3,000 commits/s of catch-up on a loaded 2-core machine.
  const auto bound = std::chrono::seconds(120 + kBookings / 500);
  const std::string db = create_database("crash");
  append<domain::BusinessEvent>(
      "business", "biz_k",
      {business_created("biz_k", "crash-k", "usr_k", "Asia/Tokyo", policy(15, 0, 30, 0))});
  for (int i = 0; i < kBookings; ++i) {
    const std::string biz = "biz_k" + std::to_string(i % 50);
    const std::string bkg = "bkg_k" + std::to_string(i);
    append<domain::CalendarEvent>(
        "calendar", biz,
        {booking_created(biz, bkg, "svc", 1'790'000'000 + std::int64_t{i} * 1800, 30, "Asia/Tokyo",
                         "c" + std::to_string(i % 300) + "@example.com", 1000 + i),
         confirmed(biz, bkg)});
  }
  MESSAGE(kBookings << " commits of 2 events appended");
  const auto last = static_cast<std::int64_t>(last_position());

  TempDir dir("slotwise-crash");
  {
    Process p = start_projector(dir, nats.url(), db, "first");
    REQUIRE(wait_position(db, last / 3, bound));
    p.stop(SIGKILL);
  }
  const std::int64_t at_kill = position(db);
  MESSAGE("killed at position " << at_kill << " of " << last);
  CHECK(at_kill < last);  // it really was in the middle
  // Catching up, it left daily stats and customers to the backlog.
  CHECK(count(db, "SELECT count(*) FROM aggregate_backlog") > 0);

  {
    Process p = start_projector(dir, nats.url(), db, "second");
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(wait_position(db, last, bound));
    MESSAGE("restarted projector caught up in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s");
    CHECK(WIFEXITED(p.stop(SIGTERM)));
  }

  CHECK(count(db, "SELECT count(*) FROM bookings WHERE status='confirmed'") == kBookings);
  CHECK(count(db, "SELECT count(*) FROM booking_history") == 2 * kBookings);
  CHECK(count(db, "SELECT sum(total) FROM daily_stats") == kBookings);
  CHECK(count(db, "SELECT sum(bookings_count) FROM customers") == kBookings);
  CHECK(count(db, "SELECT applied_commits FROM projection_checkpoints") == last);
  CHECK(count(db, "SELECT count(*) FROM aggregate_backlog") == 0);  // worked off when idle

  const std::string rebuild = create_database("rebuild");
  {
    RunningProjector r(*store, rebuild, "projector-rebuild");
    REQUIRE(r.wait_for(last_position(), bound));
  }
  CHECK(dump(db) == dump(rebuild));
}

}  // namespace slotwise::testing
