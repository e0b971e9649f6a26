// Bad data in the log does not stop the notifier: a message that is not a
// commit and an event whose bytes do not parse become notifier_dead_letters
// rows, the checkpoint moves past them, and the booking after them is
// still notified.
#include <doctest/doctest.h>

#include "tests/notifier/notifier_fixture.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(NotifierFixture, "corrupt events are dead-lettered and the notifier carries on") {
  business("biz_d");
  const std::uint64_t garbage_seq = publish_raw(*store, "sw.evt.calendar.biz_junk");
  const std::uint64_t bad_pos = append_undecodable(*store, "biz_d");

  confirmed_booking("biz_d", "bkg_d1", unix_now() + 5 * kDay, "d1@example.com");

  RunningNotifier n(*store, settings());
  REQUIRE(n.wait_planned(last_position()));
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  CHECK(smtp.count_by_message_id().count("<bkg_d1.confirmation.0@slotwise.localhost>") == 1);

  pqxx::connection c(db);
  pqxx::read_transaction tx(c);
  const auto letters =
      tx.exec("SELECT sequence, event_index, subject, error FROM notifier_dead_letters ORDER BY 1");
  REQUIRE(letters.size() == 2);
  CHECK(letters[0][0].as<std::uint64_t>() == garbage_seq);
  CHECK(letters[0][1].as<int>() == -1);
  CHECK(letters[0][2].as<std::string>() == "sw.evt.calendar.biz_junk");
  CHECK(letters[1][0].as<std::uint64_t>() == bad_pos);
  CHECK(letters[1][1].as<int>() == 0);
  CHECK(letters[1][3].as<std::string>().find("BookingConfirmed") != std::string::npos);
  CHECK(tx.exec1("SELECT dead_letters FROM notifier_checkpoints")[0].as<int>() == 2);
  CHECK(metric_value(n.metrics(), "slotwise_notifier_dead_letters_total") == "2");
}

}  // namespace slotwise::testing
