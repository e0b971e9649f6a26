#include "domain/business_policy.h"

#include <string>

namespace slotwise::domain {
namespace {

common::Unexpected<DomainError> invalid(const std::string& why) {
  return common::fail(make_error(error_code::validation_failed, why));
}

}  // namespace

bool operator==(const BusinessPolicy& a, const BusinessPolicy& b) {
  // BookingPolicy (the engine's type) has no operator==; compare its fields.
  return a.booking.slot_interval_minutes == b.booking.slot_interval_minutes &&
         a.booking.min_notice_minutes == b.booking.min_notice_minutes &&
         a.booking.horizon_days == b.booking.horizon_days &&
         a.booking.max_bookings_per_day == b.booking.max_bookings_per_day &&
         a.hold_minutes == b.hold_minutes &&
         a.free_cancellation_cutoff_minutes == b.free_cancellation_cutoff_minutes &&
         a.late_cancellation_refund_percent == b.late_cancellation_refund_percent;
}

common::Result<common::Unit, DomainError> validate_business_policy(const BusinessPolicy& policy) {
  if (auto r = validate_policy(policy.booking); !r) {
    return invalid("policy." + r.error().field + ": out of range");
  }
  if (policy.hold_minutes < 1 || policy.hold_minutes > kMaxHoldMinutes) {
    return invalid("policy.hold_minutes: must be 1 to 1440");
  }
  return validate_cancellation_terms(cancellation_terms_of(policy), "policy.");
}

CancellationTerms cancellation_terms_of(const BusinessPolicy& policy) {
  return CancellationTerms{policy.free_cancellation_cutoff_minutes,
                           policy.late_cancellation_refund_percent};
}

}  // namespace slotwise::domain
