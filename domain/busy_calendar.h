// BusyInterval and BusyCalendar: the live bookings of one calendar as the
// availability rules see them. A BusyInterval spans a booking *including* its
// buffers and remembers the local date it counts against for the daily limit
// (the local date of the booking's start, not of its buffered start).
// BusyCalendar indexes them for O(log n) overlap and per-day count queries.
//
// Thread safety: a BusyCalendar is immutable after construction; concurrent
// const use is safe.
// Errors: none. Intervals with end <= start block no time (but still count
// against their day); intervals may overlap each other.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "domain/instant.h"
#include "domain/time_zone.h"

namespace slotwise::domain {

struct BusyInterval {
  Instant start;
  Instant end;
  LocalDate counts_against;

  friend bool operator==(const BusyInterval&, const BusyInterval&) = default;
};

// The busy interval of a booking [start, end) with its buffers, counted
// against the local date (in zone) of `start`.
[[nodiscard]] BusyInterval busy_interval_for_booking(const TimeZone& zone, Instant start,
                                                     Instant end, int buffer_before_minutes,
                                                     int buffer_after_minutes);

class BusyCalendar {
 public:
  BusyCalendar() = default;
  // A rescheduled booking must be left out by the caller, or it would block
  // its own new time and count twice.
  explicit BusyCalendar(std::vector<BusyInterval> intervals);

  // Whether [start, end) shares any instant with a busy interval; touching
  // intervals do not overlap.
  [[nodiscard]] bool overlaps(Instant start, Instant end) const;

  // How many bookings count against local_date.
  [[nodiscard]] int bookings_on(LocalDate local_date) const;

  // Sorted by start.
  [[nodiscard]] std::span<const BusyInterval> intervals() const { return by_start_; }

 private:
  std::vector<BusyInterval> by_start_;
  // Only the intervals that block time (end > start), sorted by start, with
  // the running maximum of their ends: the last interval starting before a
  // query's end overlaps it iff that prefix maximum lies after the query's start.
  std::vector<Instant> blocking_starts_;
  std::vector<Instant> prefix_max_end_;
  std::vector<std::pair<LocalDate, int>> per_day_;
};

}  // namespace slotwise::domain
