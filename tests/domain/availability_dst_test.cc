// Availability across DST changes, odd offsets and skipped dates: open
// windows, the slot grid and free slots, with exact expected instants.
#include "domain/availability.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace slotwise::domain {
namespace {

using test::Calendar;
using test::every_day;
using test::iv;
using test::utc;
using test::ymd;

TEST_CASE("New York spring forward: 01:00-04:00 is open 01:00 EST to 04:00 EDT") {
  Calendar c("America/New_York");
  c.schedule = every_day({iv("01:00", "04:00")});
  const LocalDate sunday = ymd(2026, 3, 8);
  const Instant now = utc(2026, 3, 1);

  CHECK(c.windows(sunday) == "2026-03-08T06:00Z/2026-03-08T08:00Z");
  // 02:00 and 02:30 do not exist: no slot.
  CHECK(c.grid(sunday) ==
        "2026-03-08T06:00Z 2026-03-08T06:30Z 2026-03-08T07:00Z 2026-03-08T07:30Z");
  CHECK(c.free_list(sunday, sunday, now) ==
        "2026-03-08T06:00Z 2026-03-08T06:30Z 2026-03-08T07:00Z 2026-03-08T07:30Z");
  // The day before is an ordinary three hours.
  CHECK(c.windows(ymd(2026, 3, 7)) == "2026-03-07T06:00Z/2026-03-07T09:00Z");
  CHECK(c.grid(ymd(2026, 3, 7)) ==
        "2026-03-07T06:00Z 2026-03-07T06:30Z 2026-03-07T07:00Z 2026-03-07T07:30Z "
        "2026-03-07T08:00Z 2026-03-07T08:30Z");

  // 01:30 EST + 60 minutes ends at 03:30 EDT: still inside.
  c.timing.duration_minutes = 60;
  CHECK(c.check(utc(2026, 3, 8, 6, 30), now) == "ok");
  CHECK(c.check(utc(2026, 3, 8, 7, 30), now) == "outside_hours");
}

TEST_CASE("New York spring forward: intervals inside or across the gap") {
  Calendar c("America/New_York");
  const LocalDate sunday = ymd(2026, 3, 8);
  const Instant now = utc(2026, 3, 1);

  c.schedule = every_day({iv("02:15", "02:45")});
  CHECK(c.windows(sunday).empty());
  CHECK(c.grid(sunday).empty());
  CHECK(c.free_list(sunday, sunday, now).empty());

  c.schedule = every_day({iv("02:00", "03:00")});
  CHECK(c.windows(sunday).empty());

  // 01:30-02:30 lasts 30 real minutes, until the clock jumps to 03:00.
  c.schedule = every_day({iv("01:30", "02:30")});
  CHECK(c.windows(sunday) == "2026-03-08T06:30Z/2026-03-08T07:00Z");
  CHECK(c.grid(sunday) == "2026-03-08T06:30Z");
  CHECK(c.free_list(sunday, sunday, now) == "2026-03-08T06:30Z");

  // A gap-time start is not a slot even though the business is open then.
  c.schedule = every_day({iv("00:00", "06:00")});
  CHECK(c.check(utc(2026, 3, 8, 7, 0), now) == "ok");  // 03:00 EDT
  c.policy.slot_interval_minutes = 45;                 // grid 00:00 00:45 01:30 02:15 03:00 ...
  CHECK(c.grid(sunday) ==
        "2026-03-08T05:00Z 2026-03-08T05:45Z 2026-03-08T06:30Z 2026-03-08T07:00Z "
        "2026-03-08T07:45Z 2026-03-08T08:30Z 2026-03-08T09:15Z");
}

TEST_CASE("New York fall back: each instant of the repeated hour once, no duplicates") {
  Calendar c("America/New_York");
  c.schedule = every_day({iv("00:00", "03:00")});
  const LocalDate sunday = ymd(2026, 11, 1);
  const Instant now = utc(2026, 10, 1);

  CHECK(c.windows(sunday) == "2026-11-01T04:00Z/2026-11-01T08:00Z");
  const std::string expected =
      "2026-11-01T04:00Z 2026-11-01T04:30Z 2026-11-01T05:00Z 2026-11-01T05:30Z "
      "2026-11-01T06:00Z 2026-11-01T06:30Z 2026-11-01T07:00Z 2026-11-01T07:30Z";
  CHECK(c.grid(sunday) == expected);
  CHECK(c.free_list(sunday, sunday, now) == expected);

  // Booking 01:00 EDT leaves 01:00 EST free.
  c.book(utc(2026, 11, 1, 5, 0));
  CHECK(c.check(utc(2026, 11, 1, 5, 0), now) == "slot_unavailable");
  CHECK(c.check(utc(2026, 11, 1, 6, 0), now) == "ok");
  CHECK(c.free_list(sunday, sunday, now) ==
        "2026-11-01T04:00Z 2026-11-01T04:30Z 2026-11-01T05:30Z 2026-11-01T06:00Z "
        "2026-11-01T06:30Z 2026-11-01T07:00Z 2026-11-01T07:30Z");
}

TEST_CASE("New York fall back: intervals ending or lying in the repeated hour") {
  Calendar c("America/New_York");
  const LocalDate sunday = ymd(2026, 11, 1);
  const Instant now = utc(2026, 10, 1);

  // 01:00-02:00 runs from the first 01:00 until the clock first shows 02:00.
  c.schedule = every_day({iv("01:00", "02:00")});
  CHECK(c.windows(sunday) == "2026-11-01T05:00Z/2026-11-01T07:00Z");
  CHECK(c.free_list(sunday, sunday, now) ==
        "2026-11-01T05:00Z 2026-11-01T05:30Z 2026-11-01T06:00Z 2026-11-01T06:30Z");

  // 00:00-01:30 closes at the first 01:30 (EDT); the second 01:00 is a grid
  // time but outside hours.
  c.schedule = every_day({iv("00:00", "01:30")});
  CHECK(c.windows(sunday) == "2026-11-01T04:00Z/2026-11-01T05:30Z");
  CHECK(c.grid(sunday) ==
        "2026-11-01T04:00Z 2026-11-01T04:30Z 2026-11-01T05:00Z 2026-11-01T06:00Z");
  CHECK(c.free_list(sunday, sunday, now) ==
        "2026-11-01T04:00Z 2026-11-01T04:30Z 2026-11-01T05:00Z");
  CHECK(c.check(utc(2026, 11, 1, 6, 0), now) == "outside_hours");

  // Hourly slots over the night: 01:00 yields two starts an hour apart.
  c.schedule = every_day({iv("00:00", "03:00")});
  c.policy.slot_interval_minutes = 60;
  c.timing.duration_minutes = 60;
  CHECK(c.free_list(sunday, sunday, now) ==
        "2026-11-01T04:00Z 2026-11-01T05:00Z 2026-11-01T06:00Z 2026-11-01T07:00Z");
}

TEST_CASE("London 2026: both transitions") {
  Calendar c("Europe/London");
  c.schedule = every_day({iv("00:00", "03:00")});
  c.policy.slot_interval_minutes = 60;
  c.timing.duration_minutes = 60;
  const Instant now = utc(2026, 3, 1);

  CHECK(c.windows(ymd(2026, 3, 29)) == "2026-03-29T00:00Z/2026-03-29T02:00Z");
  CHECK(c.free_list(ymd(2026, 3, 29), ymd(2026, 3, 29), now) ==
        "2026-03-29T00:00Z 2026-03-29T01:00Z");

  CHECK(c.windows(ymd(2026, 10, 25)) == "2026-10-24T23:00Z/2026-10-25T03:00Z");
  CHECK(c.free_list(ymd(2026, 10, 25), ymd(2026, 10, 25), now) ==
        "2026-10-24T23:00Z 2026-10-25T00:00Z 2026-10-25T01:00Z 2026-10-25T02:00Z");

  c.schedule = every_day({iv("09:00", "17:00")});
  CHECK(c.windows(ymd(2026, 7, 1)) == "2026-07-01T08:00Z/2026-07-01T16:00Z");
  CHECK(c.windows(ymd(2026, 12, 1)) == "2026-12-01T09:00Z/2026-12-01T17:00Z");
}

TEST_CASE("Lord Howe: a 30-minute gap and a 30-minute repeat") {
  Calendar c("Australia/Lord_Howe");
  const Instant now = utc(2026, 3, 1);

  // 2026-10-04: 02:00 +10:30 jumps to 02:30 +11.
  c.schedule = every_day({iv("01:00", "04:00")});
  CHECK(c.windows(ymd(2026, 10, 4)) == "2026-10-03T14:30Z/2026-10-03T17:00Z");
  CHECK(c.free_list(ymd(2026, 10, 4), ymd(2026, 10, 4), now) ==
        "2026-10-03T14:30Z 2026-10-03T15:00Z 2026-10-03T15:30Z 2026-10-03T16:00Z "
        "2026-10-03T16:30Z");

  // 2026-04-05: 02:00 +11 falls back to 01:30 +10:30.
  c.schedule = every_day({iv("01:00", "03:00")});
  CHECK(c.windows(ymd(2026, 4, 5)) == "2026-04-04T14:00Z/2026-04-04T16:30Z");
  CHECK(c.free_list(ymd(2026, 4, 5), ymd(2026, 4, 5), now) ==
        "2026-04-04T14:00Z 2026-04-04T14:30Z 2026-04-04T15:00Z 2026-04-04T15:30Z "
        "2026-04-04T16:00Z");
}

TEST_CASE("Kathmandu: quarter-hour offset") {
  Calendar c("Asia/Kathmandu");
  c.schedule = every_day({iv("09:00", "12:00")});
  c.policy.slot_interval_minutes = 60;
  c.timing.duration_minutes = 60;
  CHECK(c.windows(ymd(2026, 6, 15)) == "2026-06-15T03:15Z/2026-06-15T06:15Z");
  CHECK(c.free_list(ymd(2026, 6, 15), ymd(2026, 6, 15), utc(2026, 6, 1)) ==
        "2026-06-15T03:15Z 2026-06-15T04:15Z 2026-06-15T05:15Z");
  CHECK(c.check(utc(2026, 6, 15, 3, 0), utc(2026, 6, 1)) == "outside_hours");
}

TEST_CASE("Apia skipped 2011-12-30: a schedule on that date yields nothing") {
  Calendar c("Pacific/Apia");
  c.schedule = every_day({iv("09:00", "17:00")});
  c.policy.slot_interval_minutes = 240;
  c.timing.duration_minutes = 240;
  const Instant now = utc(2011, 12, 1);

  CHECK(c.windows(ymd(2011, 12, 30)).empty());
  CHECK(c.grid(ymd(2011, 12, 30)).empty());
  CHECK(c.free_list(ymd(2011, 12, 30), ymd(2011, 12, 30), now).empty());
  CHECK(c.windows(ymd(2011, 12, 29)) == "2011-12-29T19:00Z/2011-12-30T03:00Z");
  CHECK(c.windows(ymd(2011, 12, 31)) == "2011-12-30T19:00Z/2011-12-31T03:00Z");
  CHECK(c.free_list(ymd(2011, 12, 29), ymd(2011, 12, 31), now) ==
        "2011-12-29T19:00Z 2011-12-29T23:00Z 2011-12-30T19:00Z 2011-12-30T23:00Z");

  // Open around the clock: the last hour of Dec 29 is followed directly by
  // the first of Dec 31, so a booking across the skipped date is fine.
  c.schedule = every_day({iv("00:00", "24:00")});
  c.policy.slot_interval_minutes = 60;
  c.timing.duration_minutes = 120;
  CHECK(c.check(utc(2011, 12, 30, 9, 0), now) == "ok");  // Dec 29 23:00 -10
}

TEST_CASE("Kiritimati skipped 1994-12-31") {
  Calendar c("Pacific/Kiritimati");
  c.schedule = every_day({iv("09:00", "17:00")});
  c.policy.slot_interval_minutes = 480;
  c.timing.duration_minutes = 480;
  const Instant now = utc(1994, 12, 1);
  CHECK(c.windows(ymd(1994, 12, 31)).empty());
  CHECK(c.grid(ymd(1994, 12, 31)).empty());
  CHECK(c.free_list(ymd(1994, 12, 30), ymd(1995, 1, 1), now) ==
        "1994-12-30T19:00Z 1994-12-31T19:00Z");
}

TEST_CASE("St. John's 2006-10-29: falling back from 00:01 repeats the end of the day before") {
  // At 00:01 NDT (-2:30) the clock went back to 23:01 NST (-3:30) on Oct 28,
  // so Sunday had begun (00:00 NDT) before Saturday's last hour came round
  // again. Sunday's hours are then open during Saturday's repeated hour.
  Calendar c("America/St_Johns");
  WeeklySchedule s;
  s.on(date::Saturday) = {iv("23:00", "24:00")};
  s.on(date::Sunday) = {iv("00:00", "01:00")};
  c.schedule = s;
  c.policy.slot_interval_minutes = 15;
  c.timing.duration_minutes = 15;
  const LocalDate saturday = ymd(2006, 10, 28);
  const LocalDate sunday = ymd(2006, 10, 29);
  const Instant now = utc(2006, 10, 1);

  CHECK(c.windows(saturday) == "2006-10-29T01:30Z/2006-10-29T02:30Z");
  CHECK(c.windows(sunday) == "2006-10-29T02:30Z/2006-10-29T04:30Z");
  CHECK(c.free_list(saturday, saturday, now) ==
        "2006-10-29T01:30Z 2006-10-29T01:45Z 2006-10-29T02:00Z 2006-10-29T02:15Z "
        "2006-10-29T02:45Z 2006-10-29T03:00Z 2006-10-29T03:15Z");
  CHECK(c.free_list(sunday, sunday, now) ==
        "2006-10-29T02:30Z 2006-10-29T03:30Z 2006-10-29T03:45Z 2006-10-29T04:00Z "
        "2006-10-29T04:15Z");
  // Saturday 23:15 NST, second pass: inside Sunday's window.
  CHECK(c.check(utc(2006, 10, 29, 2, 45), now) == "ok");
  // Without Saturday's hours it is still open, but no longer on a grid.
  c.schedule.on(date::Saturday).clear();
  CHECK(c.check(utc(2006, 10, 29, 2, 45), now) == "not_on_slot_grid");
}

TEST_CASE("Sao Paulo 2018-11-04: midnight itself is skipped") {
  Calendar c("America/Sao_Paulo");
  WeeklySchedule s;
  s.on(date::Saturday) = {iv("22:00", "24:00")};
  s.on(date::Sunday) = {iv("00:00", "02:00")};
  c.schedule = s;
  c.policy.slot_interval_minutes = 60;
  c.timing.duration_minutes = 60;
  const Instant now = utc(2018, 11, 1);
  // Sat 22:00 -03 = 01:00Z; Sunday opens when 00:00 -03 jumps to 01:00 -02
  // (03:00Z) and closes at 02:00 -02 (04:00Z): one joined window.
  CHECK(c.windows(ymd(2018, 11, 3)) == "2018-11-04T01:00Z/2018-11-04T03:00Z");
  CHECK(c.windows(ymd(2018, 11, 4)) == "2018-11-04T03:00Z/2018-11-04T04:00Z");
  CHECK(c.free_list(ymd(2018, 11, 3), ymd(2018, 11, 4), now) ==
        "2018-11-04T01:00Z 2018-11-04T02:00Z 2018-11-04T03:00Z");
  c.timing.duration_minutes = 90;  // 23:00 Sat + 90 min crosses the gap
  CHECK(c.check(utc(2018, 11, 4, 2, 0), now) == "ok");
}

}  // namespace
}  // namespace slotwise::domain
