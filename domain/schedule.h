// Opening hours as the business owner writes them, in local wall-clock time:
// LocalInterval, WeeklySchedule (per weekday) and DateOverride (per local
// date, replacing the weekly hours), plus their validation. How local times
// become real instants across DST changes is availability.h's business.
//
// Thread safety: plain values.
// Errors: validate_*() return ScheduleError naming the first offending
// interval; the availability functions never fail on invalid schedules
// (they clamp minutes to [0, 1440] and skip empty intervals) but their answers
// are only meaningful for schedules that validate.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "common/result.h"
#include "domain/instant.h"

namespace slotwise::domain {

inline constexpr int kMinutesPerDay = 1440;

// Minutes since local midnight: start in [0, 1440), end in (start, 1440];
// an end of 1440 means "until midnight". Half-open like UtcInterval.
struct LocalInterval {
  int start_minute = 0;
  int end_minute = 0;

  friend bool operator==(const LocalInterval&, const LocalInterval&) = default;
};

// Sorted by start, non-overlapping (touching is allowed); empty = closed.
using DayIntervals = std::vector<LocalInterval>;

struct WeeklySchedule {
  // Index 0 is Monday ... 6 is Sunday (ISO order, as the Weekday enum of
  // calendar.proto minus one).
  std::array<DayIntervals, 7> days;

  [[nodiscard]] const DayIntervals& on(date::weekday wd) const {
    return days[wd.iso_encoding() - 1];
  }
  DayIntervals& on(date::weekday wd) { return days[wd.iso_encoding() - 1]; }
};

// "monday" ... "sunday" for days[0] ... days[6], as the API names them.
[[nodiscard]] std::string_view weekday_name(std::size_t day_index);

// Replaces the weekly hours of one local date: either closed all day, or open
// during `intervals` (an empty list also means closed).
struct DateOverride {
  bool closed = false;
  DayIntervals intervals;

  friend bool operator==(const DateOverride&, const DateOverride&) = default;
};

using DateOverrides = std::map<LocalDate, DateOverride>;

// The local intervals that apply on local_date: its override if there is one,
// else the weekly hours of its weekday.
[[nodiscard]] const DayIntervals& intervals_on(const WeeklySchedule& schedule,
                                               const DateOverrides& overrides,
                                               LocalDate local_date);

enum class ScheduleErrorCode {
  // start not in [0, 1440) or end not in (start, 1440].
  out_of_range,
  // An interval starts before the previous one ends (or they are unsorted).
  overlapping,
  // A closed override that also lists intervals: ambiguous intent.
  closed_with_intervals,
};

struct ScheduleError {
  ScheduleErrorCode code;
  // Where: "monday", "2026-03-08", ...
  std::string where;
  // Index of the offending interval within that day.
  std::size_t index = 0;
};

[[nodiscard]] common::Result<common::Unit, ScheduleError> validate_day(const DayIntervals& day,
                                                                       const std::string& where);
[[nodiscard]] common::Result<common::Unit, ScheduleError> validate_schedule(
    const WeeklySchedule& schedule);
[[nodiscard]] common::Result<common::Unit, ScheduleError> validate_override(
    LocalDate local_date, const DateOverride& date_override);

}  // namespace slotwise::domain
