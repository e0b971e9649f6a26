// Notices that no longer fit the booking are not sent: a reminder the
// planner has not yet cancelled after a restart (senders wait until
// planning has read the log), a reminder whose appointment has started, a
// confirmation still waiting when the booking is cancelled. An SMTP outage
// longer than max_attempts allows still loses nothing, and a reminder is
// dated when it goes out.
#include <doctest/doctest.h>

#include <date/date.h>

#include <pqxx/pqxx>

#include "tests/notifier/notifier_fixture.h"

namespace slotwise::testing {
TEST_CASE_FIXTURE(NotifierFixture,
                  "after a restart no reminder goes out before planning has read the log") {
  business("biz_s");
  const std::int64_t start = unix_now() + 3 * kDay;
  confirmed_booking("biz_s", "bkg_s1", start, "s1@example.com");
  {
    RunningNotifier first(*store, settings(), clock());
    REQUIRE(first.wait_planned(last_position()));
    REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));  // confirmation + owner notice
  }
  // While no notifier runs, the client cancels, and the reminders fall due.
  append<domain::CalendarEvent>("calendar", "biz_s", {cancelled("biz_s", "bkg_s1")});
  clock_offset = start - kHour - unix_now();
  // The planner cannot read the log yet (another instance holds its lease).
  auto lease = std::make_unique<pqxx::connection>(db);
  {
    pqxx::nontransaction tx(*lease);
    tx.exec("SELECT pg_advisory_lock(hashtext('slotwise-notifier'), hashtext('notifier-test'))");
  }
  RunningNotifier second(*store, settings(), clock());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(count_of(smtp, "reminder") == 0);
  CHECK(smtp.count() == 2);
  lease.reset();  // the lease is free: planning reads the cancellation
  REQUIRE(second.wait_planned(last_position()));
  REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));  // cancellation + owner cancellation
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(count_of(smtp, "reminder") == 0);
  CHECK(sql("SELECT count(*) FROM notifications WHERE kind LIKE 'reminder%'"
            " AND status = 'cancelled'") == 2);
}

TEST_CASE_FIXTURE(NotifierFixture, "a reminder due after the appointment started is not sent") {
  business("biz_p");
  const std::int64_t start = unix_now() + 3 * kDay;
  confirmed_booking("biz_p", "bkg_p1", start, "p1@example.com");
  {
    RunningNotifier first(*store, settings(), clock());
    REQUIRE(first.wait_planned(last_position()));
    REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  }
  // The notifier was down until after the appointment began.
  clock_offset = start + kHour - unix_now();
  RunningNotifier second(*store, settings(), clock());
  REQUIRE(eventually_sql(*this,
                         "SELECT count(*) FROM notifications WHERE kind LIKE 'reminder%'"
                         " AND status = 'cancelled' AND last_error = 'the appointment has started'",
                         2));
  CHECK(count_of(smtp, "reminder") == 0);
  CHECK(smtp.count() == 2);
}

TEST_CASE_FIXTURE(NotifierFixture,
                  "a confirmation still waiting when the booking is cancelled is not sent") {
  smtp.go_down();
  business("biz_w");
  confirmed_booking("biz_w", "bkg_w1", unix_now() + 5 * kDay, "w1@example.com");
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(n.wait_planned(last_position()));
  REQUIRE(eventually_sql(*this,
                         "SELECT count(*) FROM notifications WHERE kind = 'confirmation'"
                         " AND attempts > 0 AND status = 'planned'",
                         1));
  append<domain::CalendarEvent>("calendar", "biz_w", {cancelled("biz_w", "bkg_w1")});
  REQUIRE(n.wait_planned(last_position()));
  smtp.come_up();
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(smtp.count() == 2);
  CHECK(count_of(smtp, ".cancellation.") == 1);
  CHECK(count_of(smtp, ".owner_cancellation.") == 1);
  CHECK(sql("SELECT count(*) FROM notifications WHERE kind IN ('confirmation',"
            " 'owner_new_booking') AND status = 'cancelled' AND last_error = 'superseded'") == 2);
}

TEST_CASE_FIXTURE(NotifierFixture, "an SMTP outage longer than max_attempts allows loses nothing") {
  smtp.go_down();
  business("biz_l");
  confirmed_booking("biz_l", "bkg_l1", unix_now() + 5 * kDay, "l1@example.com");
  auto s = settings();
  s.sender.max_attempts = 2;
  s.sender.base_backoff = std::chrono::milliseconds(50);
  s.sender.max_backoff = std::chrono::milliseconds(100);
  RunningNotifier n(*store, s, clock());
  REQUIRE(eventually_sql(*this, "SELECT count(*) FROM notifications WHERE attempts >= 5", 2));
  CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'failed'") == 0);
  smtp.come_up();
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  CHECK(eventually_sql(*this, "SELECT count(*) FROM notifications WHERE status = 'sent'", 2));
}

TEST_CASE_FIXTURE(NotifierFixture, "a reminder is dated when it is due, not when it was planned") {
  business("biz_d");
  const std::int64_t start = unix_now() + 3 * kDay;
  confirmed_booking("biz_d", "bkg_d1", start, "d1@example.com");
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(n.wait_planned(last_position()));
  clock_offset = start - 23 * kHour - unix_now();
  REQUIRE(smtp.wait_for(3, std::chrono::seconds(20)));
  for (const auto& m : smtp.messages()) {
    if (m.message_id().find("reminder_1") == std::string::npos) continue;
    const date::sys_seconds due{std::chrono::seconds{start - 24 * kHour}};
    CHECK(m.header("Date") == date::format("%a, %d %b %Y %H:%M:%S +0000", due));
  }
  CHECK(count_of(smtp, "reminder_1") == 1);
}

}  // namespace slotwise::testing
