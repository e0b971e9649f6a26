// slotwise-notifier's /readyz (Notifier::ready()) follows PostgreSQL: an idle
// notifier, which has no event to make it write, still notices that the
// database went away and stops reporting ready.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "tests/notifier/notifier_fixture.h"
#include "tests/support/eventually.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(NotifierFixture, "an idle notifier stops being ready when PostgreSQL stops") {
  RunningNotifier n(*store, settings());
  REQUIRE(eventually([&] { return n.ready(); }, std::chrono::seconds(20)));
  // Idle for several fetch timeouts: nothing else touches the database.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  REQUIRE(n.ready());

  pg.stop();
  CHECK(eventually([&] { return !n.ready(); }, std::chrono::seconds(20)));
}

}  // namespace slotwise::testing
