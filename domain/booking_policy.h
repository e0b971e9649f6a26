// BookingPolicy (per business) and ServiceTiming (per service): the numbers
// the availability rules combine with opening hours, mirroring the fields of
// business.proto's BookingPolicy and ServiceDefinition that matter here.
//
// Thread safety: plain values.
// Errors: validate_policy() / validate_timing() return PolicyError for the
// first field out of range. The availability functions never fail on invalid
// values (a non-positive slot interval yields no slots, negative minutes count
// as zero) but their answers are only meaningful for values that validate.
#pragma once

#include <string>

#include "common/result.h"

namespace slotwise::domain {

struct BookingPolicy {
  // Candidate starts are every slot_interval_minutes of local time from the
  // start of each open interval. 1..1440.
  int slot_interval_minutes = 15;
  // A booking must start at least this long after now. >= 0.
  int min_notice_minutes = 0;
  // A booking must start no later than now + horizon_days * 24 h. >= 0.
  int horizon_days = 60;
  // Live bookings per local date (of their start); 0 means no limit.
  int max_bookings_per_day = 0;
};

struct ServiceTiming {
  // 5..480, as business.proto's ServiceDefinition.
  int duration_minutes = 30;
  // Time kept free around the booking: 0..1440 each. It must lie within
  // opening hours and clear of other bookings (and their buffers) too.
  int buffer_before_minutes = 0;
  int buffer_after_minutes = 0;
};

struct PolicyError {
  // The offending field's name as in the proto, e.g. "slot_interval_minutes".
  std::string field;
};

[[nodiscard]] common::Result<common::Unit, PolicyError> validate_policy(
    const BookingPolicy& policy);
[[nodiscard]] common::Result<common::Unit, PolicyError> validate_timing(
    const ServiceTiming& timing);

}  // namespace slotwise::domain
