#include "domain/busy_calendar.h"

#include <algorithm>
#include <chrono>

namespace slotwise::domain {

BusyInterval busy_interval_for_booking(const TimeZone& zone, Instant start, Instant end,
                                       int buffer_before_minutes, int buffer_after_minutes) {
  return BusyInterval{start - std::chrono::minutes{buffer_before_minutes},
                      end + std::chrono::minutes{buffer_after_minutes}, zone.reading(start).date};
}

BusyCalendar::BusyCalendar(std::vector<BusyInterval> intervals) : by_start_(std::move(intervals)) {
  std::sort(by_start_.begin(), by_start_.end(), [](const BusyInterval& a, const BusyInterval& b) {
    return a.start < b.start || (a.start == b.start && a.end < b.end);
  });

  blocking_starts_.reserve(by_start_.size());
  prefix_max_end_.reserve(by_start_.size());
  for (const BusyInterval& b : by_start_) {
    if (b.end <= b.start) continue;
    blocking_starts_.push_back(b.start);
    prefix_max_end_.push_back(prefix_max_end_.empty() ? b.end
                                                      : std::max(prefix_max_end_.back(), b.end));
  }

  std::vector<LocalDate> days;
  days.reserve(by_start_.size());
  for (const BusyInterval& b : by_start_) days.push_back(b.counts_against);
  std::sort(days.begin(), days.end());
  for (const LocalDate d : days) {
    if (per_day_.empty() || per_day_.back().first != d) {
      per_day_.emplace_back(d, 0);
    }
    ++per_day_.back().second;
  }
}

bool BusyCalendar::overlaps(Instant start, Instant end) const {
  if (end <= start) return false;
  // Intervals starting at or after `end` cannot overlap; among the others the
  // one reaching furthest decides.
  const auto first_after = std::lower_bound(blocking_starts_.begin(), blocking_starts_.end(), end);
  if (first_after == blocking_starts_.begin()) return false;
  const auto last_before = static_cast<std::size_t>(first_after - blocking_starts_.begin()) - 1;
  return prefix_max_end_[last_before] > start;
}

int BusyCalendar::bookings_on(LocalDate local_date) const {
  const auto it = std::lower_bound(
      per_day_.begin(), per_day_.end(), local_date,
      [](const std::pair<LocalDate, int>& entry, LocalDate d) { return entry.first < d; });
  return it != per_day_.end() && it->first == local_date ? it->second : 0;
}

}  // namespace slotwise::domain
