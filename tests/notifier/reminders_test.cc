// Reminders: planned at start - 24 h and start - 2 h, sent when the
// (injected) clock reaches them; never sent for cancelled bookings; a
// rescheduled booking gets reminders for its new time only.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "tests/notifier/notifier_fixture.h"

namespace slotwise::testing {
namespace {

std::set<std::string> ids_of(const FakeSmtpServer& smtp, const std::string& needle) {
  std::set<std::string> out;
  for (const auto& m : smtp.messages()) {
    if (m.message_id().find(needle) != std::string::npos) out.insert(m.message_id());
  }
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(NotifierFixture, "reminders go out 24 h and 2 h before, once each") {
  business("biz_r");
  const std::int64_t start = unix_now() + 3 * kDay;
  confirmed_booking("biz_r", "bkg_r1", start, "r1@example.com");
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(n.wait_planned(last_position()));
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));  // confirmation + owner notice
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(ids_of(smtp, "reminder").empty());

  // 23 h before the start: the 24 h reminder is due, the 2 h one is not.
  clock_offset = start - 23 * kHour - unix_now();
  REQUIRE(smtp.wait_for(3, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(ids_of(smtp, "reminder") ==
        std::set<std::string>{"<bkg_r1.reminder_1.0@slotwise.localhost>"});

  // 1 h before: the 2 h reminder.
  clock_offset = start - 3600 - unix_now();
  REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(ids_of(smtp, "reminder") ==
        std::set<std::string>{"<bkg_r1.reminder_1.0@slotwise.localhost>",
                              "<bkg_r1.reminder_2.0@slotwise.localhost>"});
  CHECK(smtp.count() == 4);
  const auto all = smtp.messages();
  const auto reminder = std::find_if(all.begin(), all.end(), [](const ReceivedMail& m) {
    return m.message_id().find("reminder_2") != std::string::npos;
  });
  REQUIRE(reminder != all.end());
  CHECK(reminder->to == std::vector<std::string>{"r1@example.com"});
  CHECK(reminder->header("Subject").find("Reminder") != std::string::npos);
}

TEST_CASE_FIXTURE(NotifierFixture, "cancelled bookings get no reminders") {
  business("biz_c");
  const std::int64_t start = unix_now() + 3 * kDay;
  confirmed_booking("biz_c", "bkg_c1", start, "c1@example.com");
  append<domain::CalendarEvent>("calendar", "biz_c", {cancelled("biz_c", "bkg_c1")});
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(n.wait_planned(last_position()));
  // Cancellation and owner cancellation: planned in the same catch-up, the
  // confirmation and the owner's new-booking notice are superseded.
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  clock_offset = start - unix_now() + 60;  // after the start: every reminder would be due
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(ids_of(smtp, "reminder").empty());
  CHECK(smtp.count() == 2);
  CHECK(ids_of(smtp, "confirmation").empty());
  CHECK(sql("SELECT count(*) FROM notifications WHERE booking_id = 'bkg_c1'"
            " AND kind LIKE 'reminder%' AND status = 'cancelled'") == 2);
  CHECK(ids_of(smtp, "cancellation").size() == 2);
}

TEST_CASE_FIXTURE(NotifierFixture, "a rescheduled booking gets reminders for its new time only") {
  business("biz_m");
  const std::int64_t start = unix_now() + 3 * kDay;
  const std::int64_t moved = start + 2 * kDay;
  confirmed_booking("biz_m", "bkg_m1", start, "m1@example.com");
  append<domain::CalendarEvent>("calendar", "biz_m", {rescheduled("biz_m", "bkg_m1", moved, 60)});
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(n.wait_planned(last_position()));
  // confirmation, owner notice, reschedule, owner reschedule.
  REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));

  // Past the old start: nothing for the old time.
  clock_offset = start - unix_now() + 60;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(ids_of(smtp, "reminder").empty());

  // An hour before the new start: both reminders of revision 1.
  clock_offset = moved - kHour - unix_now();
  REQUIRE(smtp.wait_for(6, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(ids_of(smtp, "reminder") ==
        std::set<std::string>{"<bkg_m1.reminder_1.1@slotwise.localhost>",
                              "<bkg_m1.reminder_2.1@slotwise.localhost>"});
  CHECK(smtp.count() == 6);
  // The reschedule notice carries the updated calendar entry (SEQUENCE 1).
  for (const auto& m : smtp.messages()) {
    if (m.message_id() == "<bkg_m1.reschedule.1@slotwise.localhost>") {
      CHECK(m.data.find("text/calendar") != std::string::npos);
    }
  }
}

}  // namespace slotwise::testing
