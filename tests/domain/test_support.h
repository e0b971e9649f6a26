// Helpers shared by the domain tests: building dates, instants and calendars
// tersely, and rendering results as strings so a failed CHECK shows exactly
// which instants differ.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "domain/availability.h"

namespace slotwise::domain::test {

inline LocalDate ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

inline Instant utc(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} +
         std::chrono::hours{h} + std::chrono::minutes{min};
}

// "2026-03-08T06:00Z"; seconds are shown only when present.
inline std::string iso(Instant t) {
  if (t.time_since_epoch().count() % 60 != 0) return date::format("%FT%TZ", t);
  return date::format("%FT%RZ", std::chrono::floor<std::chrono::minutes>(t));
}

inline std::string iso(const std::vector<Instant>& ts) {
  std::string out;
  for (const Instant t : ts) {
    if (!out.empty()) out += ' ';
    out += iso(t);
  }
  return out;
}

inline std::string iso(const std::vector<UtcInterval>& ws) {
  std::string out;
  for (const UtcInterval& w : ws) {
    if (!out.empty()) out += ' ';
    out += iso(w.start) + "/" + iso(w.end);
  }
  return out;
}

inline std::string outcome(const common::Result<common::Unit, BookingRejection>& r) {
  return r.ok() ? std::string("ok") : std::string(to_string(r.error()));
}

inline TimeZone zone(std::string_view name) {
  auto located = TimeZone::locate(name);
  REQUIRE(located.ok());
  return located.value();
}

inline WeeklySchedule every_day(const DayIntervals& intervals) {
  WeeklySchedule s;
  s.days.fill(intervals);
  return s;
}

// "HH:MM" minute of day, for readable schedules: at("09:30") == 570.
inline int at(std::string_view hhmm) {
  return ((hhmm[0] - '0') * 10 + (hhmm[1] - '0')) * 60 + (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

inline LocalInterval iv(std::string_view from, std::string_view to) {
  return LocalInterval{at(from), at(to)};
}

// Owns everything a BookingContext borrows; tests tweak fields then call ctx().
struct Calendar {
  explicit Calendar(std::string_view zone_name) : zone(test::zone(zone_name)) {}

  TimeZone zone;
  WeeklySchedule schedule;
  DateOverrides overrides;
  BookingPolicy policy{.slot_interval_minutes = 30,
                       .min_notice_minutes = 0,
                       .horizon_days = 3650,
                       .max_bookings_per_day = 0};
  ServiceTiming timing{
      .duration_minutes = 30, .buffer_before_minutes = 0, .buffer_after_minutes = 0};
  BusyCalendar busy;

  [[nodiscard]] BookingContext ctx() const {
    return BookingContext{schedule, overrides, zone, policy, timing, busy};
  }

  // Books [start, start + duration) for the current timing into `busy`.
  void book(Instant start) {
    std::vector<BusyInterval> all(busy.intervals().begin(), busy.intervals().end());
    all.push_back(busy_interval_for_booking(
        zone, start, start + std::chrono::minutes{timing.duration_minutes},
        timing.buffer_before_minutes, timing.buffer_after_minutes));
    busy = BusyCalendar(std::move(all));
  }

  [[nodiscard]] std::string free_list(LocalDate first, LocalDate last, Instant now) const {
    return iso(free_slots(ctx(), first, last, now));
  }
  [[nodiscard]] std::string grid(LocalDate d) const {
    return iso(slot_starts(schedule, overrides, zone, policy, d));
  }
  [[nodiscard]] std::string windows(LocalDate d) const {
    return iso(open_windows(schedule, overrides, zone, d));
  }
  [[nodiscard]] std::string check(Instant start, Instant now) const {
    return outcome(check_bookable(ctx(), start, now));
  }
};

}  // namespace slotwise::domain::test
