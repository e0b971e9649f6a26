// Opening-hours values: validation of intervals and which hours apply on a date.
#include "domain/schedule.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace slotwise::domain {
namespace {

using test::iv;
using test::ymd;

ScheduleErrorCode error_of(const DayIntervals& day) {
  const auto r = validate_day(day, "test");
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

TEST_CASE("valid days: empty, whole day, touching intervals") {
  CHECK(validate_day({}, "x").ok());
  CHECK(validate_day({{0, 1440}}, "x").ok());
  CHECK(validate_day({iv("09:00", "12:00"), iv("12:00", "17:00")}, "x").ok());
  CHECK(validate_day({{0, 1}, {1439, 1440}}, "x").ok());
}

TEST_CASE("intervals out of range are rejected") {
  CHECK(error_of({{-1, 60}}) == ScheduleErrorCode::out_of_range);
  CHECK(error_of({{1440, 1440}}) == ScheduleErrorCode::out_of_range);
  CHECK(error_of({{0, 1441}}) == ScheduleErrorCode::out_of_range);
  CHECK(error_of({{600, 600}}) == ScheduleErrorCode::out_of_range);
  CHECK(error_of({{600, 540}}) == ScheduleErrorCode::out_of_range);
}

TEST_CASE("overlapping or unsorted intervals are rejected at the offending index") {
  const auto overlap = validate_day({iv("09:00", "12:00"), iv("11:59", "13:00")}, "monday");
  REQUIRE_FALSE(overlap.ok());
  CHECK(overlap.error().code == ScheduleErrorCode::overlapping);
  CHECK(overlap.error().where == "monday");
  CHECK(overlap.error().index == 1);
  CHECK(error_of({iv("13:00", "14:00"), iv("09:00", "10:00")}) == ScheduleErrorCode::overlapping);
}

TEST_CASE("validate_schedule names the weekday") {
  WeeklySchedule s;
  s.on(date::Monday) = {iv("09:00", "17:00")};
  CHECK(validate_schedule(s).ok());
  s.on(date::Sunday) = {iv("10:00", "12:00"), iv("11:00", "13:00")};
  const auto r = validate_schedule(s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().where == "sunday");
  CHECK(r.error().index == 1);
}

TEST_CASE("validate_override: closed must not list intervals; intervals must be valid") {
  CHECK(validate_override(ymd(2026, 12, 25), DateOverride{.closed = true, .intervals = {}}).ok());
  CHECK(validate_override(ymd(2026, 12, 24),
                          DateOverride{.closed = false, .intervals = {iv("09:00", "12:00")}})
            .ok());
  const auto both = validate_override(
      ymd(2026, 12, 25), DateOverride{.closed = true, .intervals = {iv("09:00", "12:00")}});
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().code == ScheduleErrorCode::closed_with_intervals);
  CHECK(both.error().where == "2026-12-25");
  const auto bad =
      validate_override(ymd(2026, 12, 24), DateOverride{.closed = false, .intervals = {{0, 2000}}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ScheduleErrorCode::out_of_range);
}

TEST_CASE("intervals_on: an override replaces the weekday's hours") {
  WeeklySchedule s;
  s.on(date::Monday) = {iv("09:00", "17:00")};
  DateOverrides overrides;
  overrides[ymd(2026, 3, 9)] = DateOverride{.closed = true, .intervals = {}};
  overrides[ymd(2026, 3, 16)] = DateOverride{.closed = false, .intervals = {iv("13:00", "14:00")}};
  overrides[ymd(2026, 3, 15)] = DateOverride{.closed = false, .intervals = {iv("10:00", "11:00")}};

  CHECK(intervals_on(s, overrides, ymd(2026, 3, 2)) == DayIntervals{iv("09:00", "17:00")});
  CHECK(intervals_on(s, overrides, ymd(2026, 3, 9)).empty());
  CHECK(intervals_on(s, overrides, ymd(2026, 3, 16)) == DayIntervals{iv("13:00", "14:00")});
  CHECK(intervals_on(s, overrides, ymd(2026, 3, 15)) == DayIntervals{iv("10:00", "11:00")});
  CHECK(intervals_on(s, overrides, ymd(2026, 3, 3)).empty());  // Tuesday: not open
}

TEST_CASE("WeeklySchedule::on indexes Monday as 0 and Sunday as 6") {
  WeeklySchedule s;
  s.on(date::Monday) = {{1, 2}};
  s.on(date::Sunday) = {{3, 4}};
  CHECK(s.days[0] == DayIntervals{{1, 2}});
  CHECK(s.days[6] == DayIntervals{{3, 4}});
}

}  // namespace
}  // namespace slotwise::domain
