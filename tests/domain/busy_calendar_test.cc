// BusyCalendar: overlap queries at exact boundaries and per-day booking counts.
#include "domain/busy_calendar.h"

#include <doctest/doctest.h>

#include <chrono>

#include "test_support.h"

namespace slotwise::domain {
namespace {

using std::chrono::minutes;
using test::utc;
using test::ymd;

const LocalDate kDay = ymd(2026, 3, 2);

Instant t(int h, int m = 0) { return utc(2026, 3, 2, h, m); }

TEST_CASE("touching intervals do not overlap; sharing one minute does") {
  const BusyCalendar busy({{t(10), t(11), kDay}});
  CHECK_FALSE(busy.overlaps(t(9), t(10)));
  CHECK_FALSE(busy.overlaps(t(11), t(12)));
  CHECK(busy.overlaps(t(9), t(10, 1)));
  CHECK(busy.overlaps(t(10, 59), t(12)));
  CHECK(busy.overlaps(t(10, 15), t(10, 30)));
  CHECK(busy.overlaps(t(9), t(12)));
  CHECK_FALSE(busy.overlaps(t(10, 30), t(10, 30)));  // an empty query blocks nothing
}

TEST_CASE("a long interval is found past later-starting short ones") {
  // Sorted by start: [08:00, 18:00) then [09:00, 09:30); a query at 12:00
  // must still see the first.
  const BusyCalendar busy({{t(9), t(9, 30), kDay}, {t(8), t(18), kDay}});
  CHECK(busy.overlaps(t(12), t(12, 30)));
  CHECK_FALSE(busy.overlaps(t(18), t(19)));
  CHECK_FALSE(busy.overlaps(t(7), t(8)));
}

TEST_CASE("an empty calendar and empty intervals block nothing") {
  CHECK_FALSE(BusyCalendar{}.overlaps(t(0), t(23)));
  const BusyCalendar busy({{t(10), t(10), kDay}, {t(12), t(11), kDay}});
  CHECK_FALSE(busy.overlaps(t(0), t(23)));
  CHECK(busy.bookings_on(kDay) == 2);
}

TEST_CASE("bookings_on counts per local date") {
  const BusyCalendar busy(
      {{t(10), t(11), kDay}, {t(12), t(13), kDay}, {t(30), t(31), ymd(2026, 3, 3)}});
  CHECK(busy.bookings_on(kDay) == 2);
  CHECK(busy.bookings_on(ymd(2026, 3, 3)) == 1);
  CHECK(busy.bookings_on(ymd(2026, 3, 1)) == 0);
  CHECK(busy.bookings_on(ymd(2026, 3, 4)) == 0);
  CHECK(busy.intervals().front().start == t(10));
}

TEST_CASE("a booking counts against the local date of its start, not of its buffer") {
  const TimeZone ny = test::zone("America/New_York");
  // 2026-03-03 00:10 EST = 05:10Z, with 30 minutes of buffer reaching back
  // into March 2nd.
  const BusyInterval b =
      busy_interval_for_booking(ny, utc(2026, 3, 3, 5, 10), utc(2026, 3, 3, 6, 10), 30, 15);
  CHECK(b.start == utc(2026, 3, 3, 4, 40));
  CHECK(b.end == utc(2026, 3, 3, 6, 25));
  CHECK(b.counts_against == ymd(2026, 3, 3));
  // 22:00 EST on March 2nd is already March 3rd in UTC.
  const BusyInterval late =
      busy_interval_for_booking(ny, utc(2026, 3, 3, 3, 0), utc(2026, 3, 3, 4, 0), 0, 0);
  CHECK(late.counts_against == ymd(2026, 3, 2));
}

}  // namespace
}  // namespace slotwise::domain
