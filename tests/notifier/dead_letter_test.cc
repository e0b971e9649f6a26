// Bad data in the log does not stop the notifier: a message that is not a
// commit and an event whose bytes do not parse become notifier_dead_letters
// rows, the checkpoint moves past them, and the booking after them is
// still notified.
#include <doctest/doctest.h>

#include <nats/nats.h>

#include "tests/notifier/notifier_fixture.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(NotifierFixture, "corrupt events are dead-lettered and the notifier carries on") {
  business("biz_d");
  jsPubAck* ack = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const std::string garbage = "\x01\x02not a commit\xff";
  REQUIRE(js_Publish(&ack, store->js(), "sw.evt.calendar.biz_junk", garbage.data(),
                     static_cast<int>(garbage.size()), nullptr, &code) == NATS_OK);
  const std::uint64_t garbage_seq = ack->Sequence;
  jsPubAck_Destroy(ack);

  events::AppendRequest bad;
  bad.aggregate = {"calendar", "biz_d"};
  bad.commit_id = "bad-bytes";
  bad.events.push_back(events::PackedEvent{"slotwise.events.v1.BookingConfirmed", "\x0a\xff"});
  auto bad_pos = store->append(bad);
  REQUIRE(bad_pos.ok());

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
  CHECK(letters[1][0].as<std::uint64_t>() == bad_pos.value().position);
  CHECK(letters[1][1].as<int>() == 0);
  CHECK(letters[1][3].as<std::string>().find("BookingConfirmed") != std::string::npos);
  CHECK(tx.exec1("SELECT dead_letters FROM notifier_checkpoints")[0].as<int>() == 2);
  CHECK(n.metrics().find("slotwise_notifier_dead_letters_total 2") != std::string::npos);
}

}  // namespace slotwise::testing
