// Property: free_slots() lists exactly the starts check_bookable() accepts,
// once each, for random schedules, overrides, policies and bookings in zones
// with gaps, overlaps, odd offsets and skipped dates. A fixed seed keeps
// failures reproducible; CAPTUREd values describe the failing case.
#include "domain/availability.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "test_support.h"

namespace slotwise::domain {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using test::iso;
using test::ymd;

struct Scenario {
  const char* zone = nullptr;
  LocalDate anchor;  // a few days before something interesting
};

const std::array<Scenario, 14> kScenarios = {{
    {"America/New_York", ymd(2026, 3, 6)},
    {"America/New_York", ymd(2026, 10, 30)},
    {"Europe/London", ymd(2026, 3, 27)},
    {"Europe/London", ymd(2026, 10, 23)},
    {"Australia/Lord_Howe", ymd(2026, 4, 3)},
    {"Australia/Lord_Howe", ymd(2026, 10, 2)},
    {"Asia/Kathmandu", ymd(2026, 6, 1)},
    {"Pacific/Apia", ymd(2011, 12, 28)},
    {"Pacific/Kiritimati", ymd(1994, 12, 29)},
    {"America/Sao_Paulo", ymd(2018, 11, 2)},  // midnight gap
    {"Asia/Beirut", ymd(2026, 10, 23)},       // fall back at midnight
    {"Asia/Beirut", ymd(2026, 3, 27)},
    {"America/St_Johns", ymd(2006, 10, 27)},  // fall back from 00:01 to 23:01
    {"UTC", ymd(2026, 5, 1)},
}};

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return uniform(1, 100) <= percent; }
  template <class T, std::size_t N>
  T pick(const std::array<T, N>& from) {
    return from[static_cast<std::size_t>(uniform(0, static_cast<int>(N) - 1))];
  }

  // Sorted, non-overlapping, often touching, often reaching 00:00 or 24:00,
  // and dense around 00:00-03:00 where most transitions happen.
  DayIntervals day() {
    if (chance(15)) return {{0, kMinutesPerDay}};
    if (chance(20)) return {{uniform(0, 12) * 5, uniform(36, 288) * 5}};  // across the night
    std::vector<int> points;
    const int n = 2 * uniform(0, 3);
    for (int i = 0; i < n; ++i) {
      const int kind = uniform(0, 9);
      if (kind == 0) {
        points.push_back(0);
      } else if (kind == 1) {
        points.push_back(kMinutesPerDay);
      } else if (kind <= 4) {
        points.push_back(uniform(0, 36) * 5);  // 00:00-03:00
      } else {
        points.push_back(uniform(0, 288) * 5);
      }
    }
    std::sort(points.begin(), points.end());
    DayIntervals out;
    for (std::size_t i = 0; i + 1 < points.size(); i += 2) {
      if (points[i] < points[i + 1]) out.push_back({points[i], points[i + 1]});
    }
    return out;
  }

 private:
  std::mt19937 rng_;
};

struct Case {
  explicit Case(const Scenario& s) : calendar(s.zone) {}
  test::Calendar calendar;
  LocalDate first;
  LocalDate last;
  Instant now;
};

Case random_case(Generator& g, const Scenario& scenario) {
  Case c(scenario);
  test::Calendar& cal = c.calendar;
  for (DayIntervals& d : cal.schedule.days) d = g.day();
  c.first = scenario.anchor + date::days{g.uniform(0, 2)};
  c.last = c.first + date::days{g.uniform(0, 3)};
  for (int i = g.uniform(0, 2); i > 0; --i) {
    const LocalDate d = c.first + date::days{g.uniform(-1, 4)};
    if (g.chance(40)) {
      cal.overrides[d] = DateOverride{.closed = true, .intervals = {}};
    } else {
      cal.overrides[d] = DateOverride{.closed = false, .intervals = g.day()};
    }
  }
  cal.policy = BookingPolicy{
      .slot_interval_minutes = g.pick(std::array{5, 7, 10, 15, 20, 25, 30, 45, 60, 90}),
      .min_notice_minutes = g.pick(std::array{0, 0, 0, 30, 90, 1440}),
      .horizon_days = g.pick(std::array{0, 1, 3, 5, 30, 30, 30}),
      .max_bookings_per_day = g.pick(std::array{0, 0, 1, 2, 3})};
  const Instant base{date::sys_days{scenario.anchor.time_since_epoch()}};
  c.now = base - date::days{2} + minutes{g.uniform(0, 3 * 1440)};
  if (g.chance(20)) c.now += seconds{g.uniform(1, 59)};

  std::vector<BusyInterval> busy;
  for (int i = g.uniform(0, 8); i > 0; --i) {
    const Instant start = base + minutes{5 * g.uniform(-288, 5 * 288)};
    busy.push_back(busy_interval_for_booking(
        cal.zone, start, start + minutes{g.pick(std::array{15, 30, 60, 240})},
        g.pick(std::array{0, 0, 10, 30}), g.pick(std::array{0, 0, 15, 60})));
  }
  cal.busy = BusyCalendar(std::move(busy));
  cal.timing =
      ServiceTiming{.duration_minutes = g.pick(std::array{5, 15, 30, 45, 60, 90, 120, 240, 480}),
                    .buffer_before_minutes = g.pick(std::array{0, 0, 5, 10, 15, 30, 60}),
                    .buffer_after_minutes = g.pick(std::array{0, 0, 5, 10, 15, 30, 60})};
  return c;
}

Case random_case(Generator& g) {
  return random_case(
      g,
      kScenarios[static_cast<std::size_t>(g.uniform(0, static_cast<int>(kScenarios.size()) - 1))]);
}

bool strictly_increasing(const std::vector<Instant>& v) {
  return std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) == v.end();
}

TEST_CASE("free_slots == the grid filtered by check_bookable, each instant once") {
  Generator g(20260308);
  for (int iteration = 0; iteration < 200; ++iteration) {
    const Case c = random_case(g);
    const test::Calendar& cal = c.calendar;
    const BookingContext ctx = cal.ctx();
    const std::vector<Instant> free = free_slots(ctx, c.first, c.last, c.now);

    std::vector<Instant> expected;
    bool grids_ok = true;
    for (LocalDate d = c.first; d <= c.last; d += date::days{1}) {
      const std::vector<Instant> grid =
          slot_starts(cal.schedule, cal.overrides, cal.zone, cal.policy, d);
      grids_ok = grids_ok && strictly_increasing(grid);
      for (const Instant t : grid) {
        grids_ok = grids_ok && cal.zone.reading(t).date == d;
        if (check_bookable(ctx, t, c.now).ok()) expected.push_back(t);
      }
    }
    std::sort(expected.begin(), expected.end());

    CAPTURE(iteration);
    CAPTURE(cal.zone.name());
    CAPTURE(iso(c.now));
    CHECK(grids_ok);
    CHECK(strictly_increasing(free));
    CHECK(iso(free) == iso(expected));
    if (!grids_ok || iso(free) != iso(expected)) break;
  }
}

// Independent of slot_starts(): every minute of the span is asked directly.
// Cycles through the scenarios so each transition is covered.
TEST_CASE("free_slots == every minute whose local date is in range and check_bookable accepts") {
  Generator g(1994123);
  for (int iteration = 0; iteration < 3 * static_cast<int>(kScenarios.size()); ++iteration) {
    const Case c = random_case(g, kScenarios[iteration % kScenarios.size()]);
    const test::Calendar& cal = c.calendar;
    const BookingContext ctx = cal.ctx();
    const std::vector<Instant> free = free_slots(ctx, c.first, c.last, c.now);

    // Local dates are at most 14 h ahead of or 12 h behind UTC, plus a day
    // repeated or skipped: this span holds every instant of first..last.
    // Starts outside the notice/horizon bounds are skipped only to save time.
    const Instant earliest =
        std::max(Instant{date::sys_days{c.first.time_since_epoch()}} - date::days{1},
                 c.now + minutes{cal.policy.min_notice_minutes} - minutes{1});
    const Instant latest =
        std::min(Instant{date::sys_days{c.last.time_since_epoch()}} + date::days{2},
                 c.now + date::days{cal.policy.horizon_days} + minutes{1});
    std::vector<Instant> expected;
    for (Instant t = std::chrono::floor<minutes>(earliest); t <= latest; t += minutes{1}) {
      const LocalDate d = cal.zone.reading(t).date;
      if (d < c.first || d > c.last) continue;
      if (check_bookable(ctx, t, c.now).ok()) expected.push_back(t);
    }

    CAPTURE(iteration);
    CAPTURE(cal.zone.name());
    CAPTURE(iso(c.now));
    CHECK(iso(free) == iso(expected));
    if (iso(free) != iso(expected)) break;
  }
}

// free_slots_valid_until(): the answer holds at readings sampled across
// [now, until) (the next second, random ones, the last one), and where the
// bound comes from the notice rule the answer really changes there.
TEST_CASE(
    "free_slots stays the same until free_slots_valid_until(), and changes at a notice "
    "bound") {
  Generator g(20261126);
  int tight = 0;
  int long_lived = 0;
  for (int iteration = 0; iteration < 300; ++iteration) {
    const Case c = random_case(g);
    const BookingContext ctx = c.calendar.ctx();
    const std::vector<Instant> free = free_slots(ctx, c.first, c.last, c.now);
    const Instant until = free_slots_valid_until(ctx, c.last, free, c.now);
    CAPTURE(iteration);
    CAPTURE(c.calendar.zone.name());
    CAPTURE(iso(c.now));
    CAPTURE(iso(until));
    REQUIRE(until > c.now);
    const Instant end = std::min(until, c.now + date::days{8});
    std::vector<Instant> readings = {c.now + seconds{1}, end - seconds{1}};
    const int span = static_cast<int>((end - c.now).count());
    for (int k = 0; k < 4; ++k) readings.push_back(c.now + seconds{g.uniform(0, span - 1)});
    bool same = true;
    for (const Instant t : readings) {
      if (t >= until) continue;
      CAPTURE(iso(t));
      CHECK(iso(free_slots(ctx, c.first, c.last, t)) == iso(free));
      same = same && iso(free_slots(ctx, c.first, c.last, t)) == iso(free);
    }
    if (!free.empty() &&
        until == free.front() - minutes{c.calendar.policy.min_notice_minutes} + seconds{1}) {
      CHECK(iso(free_slots(ctx, c.first, c.last, until)) != iso(free));
      ++tight;
    }
    if (until - c.now >= minutes{10}) ++long_lived;
    if (!same) break;
  }
  MESSAGE(tight << " notice bounds met exactly, " << long_lived << " answers valid >= 10 min");
  CHECK(tight >= 20);
  CHECK(long_lived >= 30);
}

}  // namespace
}  // namespace slotwise::domain
