#include "domain/booking_policy.h"

namespace slotwise::domain {
namespace {

bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

}  // namespace

common::Result<common::Unit, PolicyError> validate_policy(const BookingPolicy& policy) {
  if (!in_range(policy.slot_interval_minutes, 1, 1440)) {
    return common::fail(PolicyError{"slot_interval_minutes"});
  }
  // A year of notice or ten years of horizon are far beyond any real policy;
  // the caps keep instant arithmetic comfortably inside its range.
  if (!in_range(policy.min_notice_minutes, 0, 366 * 1440)) {
    return common::fail(PolicyError{"min_notice_minutes"});
  }
  if (!in_range(policy.horizon_days, 0, 3660)) {
    return common::fail(PolicyError{"horizon_days"});
  }
  if (policy.max_bookings_per_day < 0) {
    return common::fail(PolicyError{"max_bookings_per_day"});
  }
  return common::Unit{};
}

common::Result<common::Unit, PolicyError> validate_timing(const ServiceTiming& timing) {
  if (!in_range(timing.duration_minutes, 5, 480)) {
    return common::fail(PolicyError{"duration_minutes"});
  }
  if (!in_range(timing.buffer_before_minutes, 0, 1440)) {
    return common::fail(PolicyError{"buffer_before_minutes"});
  }
  if (!in_range(timing.buffer_after_minutes, 0, 1440)) {
    return common::fail(PolicyError{"buffer_after_minutes"});
  }
  return common::Unit{};
}

}  // namespace slotwise::domain
