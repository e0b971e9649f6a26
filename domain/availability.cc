#include "domain/availability.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

namespace slotwise::domain {
namespace {

using std::chrono::minutes;

// Years 1..9999 (protobuf Timestamp's range). Bounding every instant and date
// keeps all arithmetic below far from overflow whatever the caller passes.
constexpr LocalDate kFirstDate{date::year{1} / 1 / 1};
constexpr LocalDate kLastDate{date::year{9999} / 12 / 31};
constexpr Instant kFirstInstant{date::sys_days{date::year{1} / 1 / 1}};
constexpr Instant kEndInstant{date::sys_days{date::year{10000} / 1 / 1}};

// UTC offsets in tzdata span less than 28 hours (-12:00 to +15:13:42, the
// mean time of Metlakatla, Alaska, before 1867), so a clock never shows a
// time 48 hours behind one it showed earlier: the local date at a later
// instant is at most two days before the latest date already shown. This
// bounds every date search below.
constexpr date::days kFallBackMargin{2};

// Caps for unvalidated numbers: a century of minutes.
constexpr int kMaxMinutes = 100 * 366 * kMinutesPerDay;

bool supported(Instant t) { return t >= kFirstInstant && t < kEndInstant; }
bool supported(LocalDate d) { return d >= kFirstDate && d <= kLastDate; }

// Policy and timing numbers made safe to compute with (see the header's
// "never fail" contract): clamped, so invalid input cannot loop or overflow.
struct Rules {
  int slot_interval;  // 0 = no grid
  minutes notice;
  minutes horizon;
  minutes duration;
  minutes before;
  minutes after;
  int daily_limit;  // 0 = none
};

Rules rules_of(const BookingPolicy& policy, const ServiceTiming& timing) {
  const auto clamp_minutes = [](int v, int lo) { return minutes{std::clamp(v, lo, kMaxMinutes)}; };
  return Rules{
      .slot_interval = std::clamp(policy.slot_interval_minutes, 0, kMinutesPerDay),
      .notice = clamp_minutes(policy.min_notice_minutes, 0),
      .horizon = minutes{std::clamp(policy.horizon_days, 0, kMaxMinutes / kMinutesPerDay)} *
                 kMinutesPerDay,
      .duration = clamp_minutes(timing.duration_minutes, 1),
      .before = clamp_minutes(timing.buffer_before_minutes, 0),
      .after = clamp_minutes(timing.buffer_after_minutes, 0),
      .daily_limit = std::max(policy.max_bookings_per_day, 0),
  };
}

LocalInterval clamped(LocalInterval iv) {
  return LocalInterval{std::clamp(iv.start_minute, 0, kMinutesPerDay),
                       std::clamp(iv.end_minute, 0, kMinutesPerDay)};
}

// The local dates whose windows can intersect [from, until). A date's
// windows lie between the instants the clock first reaches its midnight and
// the next one. Dates before the one shown at `from` are over by then (the
// clock has reached their next midnight); dates after the one shown at
// `until` plus the fall-back margin have not begun.
std::pair<LocalDate, LocalDate> dates_touching(const TimeZone& zone, Instant from, Instant until) {
  return {zone.reading(from).date, zone.reading(until).date + kFallBackMargin};
}

// Windows of every date in [from, to], sorted by start with touching and
// overlapping ones joined, so "inside one window" is one binary search.
std::vector<UtcInterval> joined_windows(const WeeklySchedule& schedule,
                                        const DateOverrides& overrides, const TimeZone& zone,
                                        LocalDate from, LocalDate to) {
  from = std::max(from, kFirstDate);
  to = std::min(to, kLastDate);
  std::vector<UtcInterval> windows;
  for (LocalDate d = from; d <= to; d += date::days{1}) {
    const date::local_seconds midnight{d};
    for (const LocalInterval& raw : intervals_on(schedule, overrides, d)) {
      const LocalInterval iv = clamped(raw);
      if (iv.end_minute <= iv.start_minute) continue;
      const Instant open = zone.first_reaching(midnight + minutes{iv.start_minute});
      const Instant close = zone.first_reaching(midnight + minutes{iv.end_minute});
      if (open < close) windows.push_back(UtcInterval{open, close});
    }
  }
  std::sort(windows.begin(), windows.end(),
            [](const UtcInterval& a, const UtcInterval& b) { return a.start < b.start; });
  std::vector<UtcInterval> joined;
  joined.reserve(windows.size());
  for (const UtcInterval& w : windows) {
    if (!joined.empty() && w.start <= joined.back().end) {
      joined.back().end = std::max(joined.back().end, w.end);
    } else {
      joined.push_back(w);
    }
  }
  return joined;
}

// Whether [a, b) (a < b) lies inside one joined window.
bool inside_windows(const std::vector<UtcInterval>& joined, Instant a, Instant b) {
  auto it = std::upper_bound(joined.begin(), joined.end(), a,
                             [](Instant t, const UtcInterval& w) { return t < w.start; });
  if (it == joined.begin()) return false;
  --it;
  return b <= it->end;
}

template <class Emit>
void for_each_grid_instant(const DayIntervals& day, const TimeZone& zone, LocalDate d,
                           int slot_interval, Emit&& emit) {
  if (slot_interval <= 0) return;
  for (const LocalInterval& raw : day) {
    const LocalInterval iv = clamped(raw);
    for (int m = iv.start_minute; m < iv.end_minute; m += slot_interval) {
      for (const Instant t : zone.instants_at(d, m)) emit(t);
    }
  }
}

bool on_grid(const DayIntervals& day, int minute, int slot_interval) {
  if (slot_interval <= 0) return false;
  return std::any_of(day.begin(), day.end(), [&](const LocalInterval& raw) {
    const LocalInterval iv = clamped(raw);
    return minute >= iv.start_minute && minute < iv.end_minute &&
           (minute - iv.start_minute) % slot_interval == 0;
  });
}

// The single decision both check_bookable and free_slots make, so they agree
// by construction. `day` is the local date the clock shows at `start`.
std::optional<BookingRejection> evaluate(const BookingContext& ctx, const Rules& rules,
                                         const std::vector<UtcInterval>& joined, Instant start,
                                         LocalDate day, bool start_on_grid, Instant now) {
  const Instant blocked_from = start - rules.before;
  const Instant blocked_until = start + rules.duration + rules.after;
  if (!supported(start) || !supported(day) ||
      !inside_windows(joined, blocked_from, blocked_until)) {
    return BookingRejection::outside_hours;
  }
  if (!start_on_grid) return BookingRejection::not_on_slot_grid;
  if (start < now + rules.notice) return BookingRejection::too_soon;
  if (start > now + rules.horizon) return BookingRejection::beyond_horizon;
  if (ctx.busy.overlaps(blocked_from, blocked_until)) return BookingRejection::slot_unavailable;
  if (rules.daily_limit > 0 && ctx.busy.bookings_on(day) >= rules.daily_limit) {
    return BookingRejection::daily_limit_reached;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(BookingRejection rejection) {
  switch (rejection) {
    case BookingRejection::outside_hours:
      return "outside_hours";
    case BookingRejection::not_on_slot_grid:
      return "not_on_slot_grid";
    case BookingRejection::too_soon:
      return "too_soon";
    case BookingRejection::beyond_horizon:
      return "beyond_horizon";
    case BookingRejection::slot_unavailable:
      return "slot_unavailable";
    case BookingRejection::daily_limit_reached:
      return "daily_limit_reached";
  }
  return "unknown";
}

std::vector<UtcInterval> open_windows(const WeeklySchedule& schedule,
                                      const DateOverrides& overrides, const TimeZone& zone,
                                      LocalDate local_date) {
  if (!supported(local_date)) return {};
  return joined_windows(schedule, overrides, zone, local_date, local_date);
}

std::vector<Instant> slot_starts(const WeeklySchedule& schedule, const DateOverrides& overrides,
                                 const TimeZone& zone, const BookingPolicy& policy,
                                 LocalDate local_date) {
  std::vector<Instant> out;
  if (!supported(local_date)) return out;
  const int slot_interval = std::clamp(policy.slot_interval_minutes, 0, kMinutesPerDay);
  for_each_grid_instant(intervals_on(schedule, overrides, local_date), zone, local_date,
                        slot_interval, [&](Instant t) { out.push_back(t); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

common::Result<common::Unit, BookingRejection> check_bookable(const BookingContext& context,
                                                              Instant start, Instant now) {
  if (!supported(start) || !supported(now)) return common::fail(BookingRejection::outside_hours);
  const Rules rules = rules_of(context.policy, context.timing);
  const TimeZone& zone = context.zone;

  const auto [from, to] =
      dates_touching(zone, start - rules.before, start + rules.duration + rules.after);
  const std::vector<UtcInterval> joined =
      joined_windows(context.schedule, context.overrides, zone, from, to);

  const LocalReading at = zone.reading(start);
  const auto seconds = at.time_of_day.count();
  const bool start_on_grid =
      seconds % 60 == 0 && on_grid(intervals_on(context.schedule, context.overrides, at.date),
                                   static_cast<int>(seconds / 60), rules.slot_interval);

  if (const auto rejected = evaluate(context, rules, joined, start, at.date, start_on_grid, now)) {
    return common::fail(*rejected);
  }
  return common::Unit{};
}

bool within_opening_hours(const WeeklySchedule& schedule, const DateOverrides& overrides,
                          const TimeZone& zone, Instant from, Instant until) {
  if (!supported(from) || !supported(until) || until <= from) return false;
  const auto [first, last] = dates_touching(zone, from, until);
  return inside_windows(joined_windows(schedule, overrides, zone, first, last), from, until);
}

std::vector<Instant> free_slots(const BookingContext& context, LocalDate first, LocalDate last,
                                Instant now) {
  if (!supported(now)) return {};
  const Rules rules = rules_of(context.policy, context.timing);
  const TimeZone& zone = context.zone;

  // Dates whose starts all fail the notice or horizon rule need no work.
  first = std::max({first, kFirstDate, zone.reading(now + rules.notice).date - kFallBackMargin});
  last = std::min({last, kLastDate, zone.reading(now + rules.horizon).date + kFallBackMargin});
  if (first > last) return {};

  std::vector<std::pair<Instant, LocalDate>> candidates;
  for (LocalDate d = first; d <= last; d += date::days{1}) {
    for_each_grid_instant(intervals_on(context.schedule, context.overrides, d), zone, d,
                          rules.slot_interval, [&](Instant t) { candidates.emplace_back(t, d); });
  }
  if (candidates.empty()) return {};
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   candidates.end());

  // Every window that can touch any candidate's buffered span. check_bookable
  // also sees every window touching its one span, so both give the same
  // containment answer.
  const auto [from, to] = dates_touching(zone, candidates.front().first - rules.before,
                                         candidates.back().first + rules.duration + rules.after);
  const std::vector<UtcInterval> joined =
      joined_windows(context.schedule, context.overrides, zone, from, to);

  std::vector<Instant> out;
  out.reserve(candidates.size());
  for (const auto& [start, day] : candidates) {
    if (!evaluate(context, rules, joined, start, day, /*start_on_grid=*/true, now)) {
      out.push_back(start);
    }
  }
  return out;
}

Instant free_slots_valid_until(const BookingContext& context, LocalDate last,
                               const std::vector<Instant>& slots, Instant now) {
  const Rules rules = rules_of(context.policy, context.timing);
  Instant until = Instant::max();
  if (!slots.empty()) until = slots.front() - rules.notice + std::chrono::seconds{1};
  // Every instant of local dates up to `last` lies before last + 2 days read
  // as UTC (a local clock is at most 12 h behind UTC, 36 h < 2 days).
  const Instant beyond_last{(last + date::days{2}).time_since_epoch()};
  if (beyond_last > now + rules.horizon) {
    until = std::min(until, Instant{std::chrono::floor<minutes>(now) + minutes{1}});
  }
  return std::max(until, now + std::chrono::seconds{1});
}

}  // namespace slotwise::domain
