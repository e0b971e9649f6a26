// Planning the log again from checkpoint 0 (an operator resetting the
// notifier's checkpoint) sends nothing twice: a booking's mirror row
// remembers the last event applied to it, so a rescheduled booking's
// revision, and with it every notification id, stays what it was, and a
// cancelled booking is never confirmed again.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <string>

#include "tests/notifier/notifier_fixture.h"

namespace slotwise::testing {
namespace {

std::string id(const std::string& kind, int revision) {
  return "<bkg_r1." + kind + "." + std::to_string(revision) + "@slotwise.localhost>";
}

// Lets anything the senders might still send arrive.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(700)); }

}  // namespace

TEST_CASE_FIXTURE(NotifierFixture,
                  "replaying the log after reschedules sends nothing again, and the next "
                  "reschedule gets the next revision") {
  business("biz_r");
  const std::int64_t start = unix_now() + 5 * kDay;
  const std::int64_t moved1 = start + kDay;
  const std::int64_t moved2 = moved1 + kDay;
  confirmed_booking("biz_r", "bkg_r1", start, "r1@example.com");
  {
    RunningNotifier n(*store, settings(), clock());
    REQUIRE(n.wait_planned(last_position()));
    REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));  // confirmation + owner notice
    // Each reschedule's notices go out before the next one.
    append<domain::CalendarEvent>("calendar", "biz_r",
                                  {rescheduled("biz_r", "bkg_r1", moved1, 60)});
    REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));
    append<domain::CalendarEvent>("calendar", "biz_r",
                                  {rescheduled("biz_r", "bkg_r1", moved2, 60)});
    REQUIRE(smtp.wait_for(6, std::chrono::seconds(20)));
    // An hour before the second new time: both of its reminders.
    clock_offset = moved2 - kHour - unix_now();
    REQUIRE(smtp.wait_for(8, std::chrono::seconds(20)));
    settle();
  }
  const auto sent = smtp.count_by_message_id();
  REQUIRE(smtp.count() == 8);
  for (const char* kind : {"reschedule", "owner_reschedule", "reminder_1", "reminder_2"}) {
    CHECK_MESSAGE(sent.count(id(kind, 2)) == 1, kind);
  }
  const std::int64_t rows = sql("SELECT count(*) FROM notifications");
  CHECK(sql("SELECT revision FROM notifier_bookings WHERE booking_id = 'bkg_r1'") == 2);

  // The operator replays the log: with the notifier stopped, its
  // checkpoint is set to 0, then it starts again and plans from the start.
  {
    pqxx::connection c(db);
    pqxx::work tx(c);
    tx.exec0("UPDATE notifier_checkpoints SET position = 0 WHERE consumer = 'notifier-test'");
    tx.commit();
  }
  RunningNotifier again(*store, settings(), clock());
  REQUIRE(again.wait_planned(last_position()));
  // Nothing more arrives (a replanned notice would within a few seconds).
  CHECK_FALSE(smtp.wait_for(9, std::chrono::seconds(3)));
  CHECK(smtp.count() == 8);
  CHECK(sql("SELECT count(*) FROM notifications") == rows);
  CHECK(sql("SELECT revision FROM notifier_bookings WHERE booking_id = 'bkg_r1'") == 2);
  CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'planned'") == 0);

  // A reschedule after the replay is the third: its notices carry
  // revision 3 (its reminders are not due yet on the senders' clock).
  const std::int64_t moved3 = moved2 + 2 * kDay;
  append<domain::CalendarEvent>("calendar", "biz_r", {rescheduled("biz_r", "bkg_r1", moved3, 60)});
  REQUIRE(again.wait_planned(last_position()));
  REQUIRE(smtp.wait_for(10, std::chrono::seconds(20)));
  settle();
  const auto after = smtp.count_by_message_id();
  CHECK(smtp.count() == 10);
  CHECK(after.size() == 10);  // no message twice
  CHECK(after.count(id("reschedule", 3)) == 1);
  CHECK(after.count(id("owner_reschedule", 3)) == 1);
  CHECK(sql("SELECT revision FROM notifier_bookings WHERE booking_id = 'bkg_r1'") == 3);
  CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'planned'"
            " AND kind IN ('reminder_1', 'reminder_2') AND revision = 3") == 2);
}

TEST_CASE_FIXTURE(NotifierFixture,
                  "a replay one commit at a time never confirms a cancelled booking again") {
  business("biz_c");
  const std::int64_t start = unix_now() + 5 * kDay;
  confirmed_booking("biz_c", "bkg_c1", start, "c1@example.com");
  append<domain::CalendarEvent>("calendar", "biz_c",
                                {rescheduled("biz_c", "bkg_c1", start + kDay, 60)});
  append<domain::CalendarEvent>("calendar", "biz_c", {cancelled("biz_c", "bkg_c1")});
  auto s = settings();
  s.planner.batch = 1;  // each replayed commit is its own planning transaction
  {
    RunningNotifier n(*store, s, clock());
    REQUIRE(n.wait_planned(last_position()));
    REQUIRE(
        eventually_sql(*this, "SELECT count(*) FROM notifications WHERE status = 'planned'", 0));
    settle();
  }
  const std::size_t mails = smtp.count();
  const std::int64_t rows = sql("SELECT count(*) FROM notifications");
  {
    pqxx::connection c(db);
    pqxx::work tx(c);
    tx.exec0("UPDATE notifier_checkpoints SET position = 0 WHERE consumer = 'notifier-test'");
    tx.commit();
  }
  RunningNotifier again(*store, s, clock());
  REQUIRE(again.wait_planned(last_position()));
  // The replayed confirmation, alone in its batch, would have set the
  // booking back to confirmed and planned a confirmation of revision 1.
  CHECK_FALSE(smtp.wait_for(mails + 1, std::chrono::seconds(3)));
  CHECK(sql("SELECT count(*) FROM notifications") == rows);
  CHECK(sql("SELECT count(*) FROM notifications WHERE kind = 'confirmation'") == 1);
  CHECK(sql("SELECT count(*) FROM notifier_bookings WHERE booking_id = 'bkg_c1'"
            " AND status = 'cancelled' AND revision = 1") == 1);
}

}  // namespace slotwise::testing
