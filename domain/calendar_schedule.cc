// The calendar's opening-hours commands: weekly schedule and date overrides.
// Existing bookings are left alone when hours change; the new hours apply to
// bookings decided from now on.
#include <string>
#include <utility>

#include "domain/calendar_deciders.h"
#include "domain/proto_values.h"

namespace slotwise::domain::calendar_detail {
namespace {

std::string describe(const ScheduleError& e) {
  std::string what;
  switch (e.code) {
    case ScheduleErrorCode::out_of_range:
      what = "an interval must lie within the day and end after it starts";
      break;
    case ScheduleErrorCode::overlapping:
      what = "intervals must be sorted and must not overlap";
      break;
    case ScheduleErrorCode::closed_with_intervals:
      what = "a closed day cannot list opening hours";
      break;
  }
  return e.where + "[" + std::to_string(e.index) + "]: " + what;
}

// The checks every opening-hours command starts with; `zone` may be empty
// for commands that carry none.
common::Result<common::Unit, DomainError> check_hours_command(const CalendarState& state,
                                                              const std::string& business_id,
                                                              const std::string& owner_user_id,
                                                              const Actor& actor,
                                                              const std::string* zone) {
  if (auto r = check_business(state, business_id); !r) return r;
  if (auto r = check_owner(actor, owner_user_id); !r) return r;
  if (zone != nullptr && !TimeZone::locate(*zone)) {
    return error(error_code::unknown_time_zone, "time_zone: '" + *zone + "' is not an IANA zone");
  }
  return common::Unit{};
}

bool valid_date(LocalDate d) {
  const date::year_month_day ymd{d};
  return ymd.ok() && ymd.year() >= date::year{1} && ymd.year() <= date::year{9999};
}

}  // namespace

Decided decide_schedule(const CalendarState& state, const SetWeeklySchedule& c) {
  if (auto r = check_hours_command(state, c.business_id, c.owner_user_id, c.actor, &c.time_zone);
      !r) {
    return common::fail(r.error());
  }
  if (auto r = validate_schedule(c.schedule); !r) {
    return error(error_code::validation_failed, "schedule." + describe(r.error()));
  }
  if (state.time_zone == c.time_zone && state.schedule.days == c.schedule.days) {
    return already_done();
  }
  v1::WeeklyScheduleSet set;
  set.set_business_id(c.business_id);
  set.set_time_zone(c.time_zone);
  *set.mutable_days() = to_proto(c.schedule);
  return accepted({std::move(set)});
}

Decided decide_override(const CalendarState& state, const SetDateOverride& c) {
  if (auto r = check_hours_command(state, c.business_id, c.owner_user_id, c.actor, &c.time_zone);
      !r) {
    return common::fail(r.error());
  }
  if (!valid_date(c.local_date)) {
    return error(error_code::validation_failed, "local_date: is not a date in years 1..9999");
  }
  if (auto r = validate_override(c.local_date, c.date_override); !r) {
    return error(error_code::validation_failed, "override." + describe(r.error()));
  }
  const auto existing = state.overrides.find(c.local_date);
  if (state.time_zone == c.time_zone && existing != state.overrides.end() &&
      existing->second == c.date_override) {
    return already_done();
  }
  v1::DateOverrideSet set;
  set.set_business_id(c.business_id);
  set.set_local_date(format_local_date(c.local_date));
  set.set_time_zone(c.time_zone);
  set.set_closed(c.date_override.closed);
  *set.mutable_intervals() = to_proto(c.date_override.intervals);
  return accepted({std::move(set)});
}

Decided decide_clear(const CalendarState& state, const ClearDateOverride& c) {
  if (auto r = check_hours_command(state, c.business_id, c.owner_user_id, c.actor, nullptr); !r) {
    return common::fail(r.error());
  }
  if (!valid_date(c.local_date)) {
    return error(error_code::validation_failed, "local_date: is not a date in years 1..9999");
  }
  if (!state.overrides.contains(c.local_date)) return already_done();
  v1::DateOverrideCleared cleared;
  cleared.set_business_id(c.business_id);
  cleared.set_local_date(format_local_date(c.local_date));
  return accepted({std::move(cleared)});
}

}  // namespace slotwise::domain::calendar_detail
