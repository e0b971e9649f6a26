#include "domain/schedule.h"

#include <string_view>

namespace slotwise::domain {
namespace {

constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

const DayIntervals& closed_day() {
  static const DayIntervals kClosed;
  return kClosed;
}

std::string format_date(LocalDate d) { return date::format("%F", d); }

}  // namespace

std::string_view weekday_name(std::size_t day_index) { return kWeekdayNames.at(day_index); }

const DayIntervals& intervals_on(const WeeklySchedule& schedule, const DateOverrides& overrides,
                                 LocalDate local_date) {
  if (const auto it = overrides.find(local_date); it != overrides.end()) {
    return it->second.closed ? closed_day() : it->second.intervals;
  }
  return schedule.on(date::weekday{local_date});
}

common::Result<common::Unit, ScheduleError> validate_day(const DayIntervals& day,
                                                         const std::string& where) {
  for (std::size_t i = 0; i < day.size(); ++i) {
    const LocalInterval& iv = day[i];
    if (iv.start_minute < 0 || iv.start_minute >= kMinutesPerDay ||
        iv.end_minute <= iv.start_minute || iv.end_minute > kMinutesPerDay) {
      return common::fail(ScheduleError{ScheduleErrorCode::out_of_range, where, i});
    }
    if (i > 0 && iv.start_minute < day[i - 1].end_minute) {
      return common::fail(ScheduleError{ScheduleErrorCode::overlapping, where, i});
    }
  }
  return common::Unit{};
}

common::Result<common::Unit, ScheduleError> validate_schedule(const WeeklySchedule& schedule) {
  for (std::size_t d = 0; d < schedule.days.size(); ++d) {
    auto checked = validate_day(schedule.days[d], std::string(kWeekdayNames[d]));
    if (!checked) return checked;
  }
  return common::Unit{};
}

common::Result<common::Unit, ScheduleError> validate_override(LocalDate local_date,
                                                              const DateOverride& date_override) {
  if (date_override.closed && !date_override.intervals.empty()) {
    return common::fail(
        ScheduleError{ScheduleErrorCode::closed_with_intervals, format_date(local_date), 0});
  }
  return validate_day(date_override.intervals, format_date(local_date));
}

}  // namespace slotwise::domain
