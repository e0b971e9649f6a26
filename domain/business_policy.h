// BusinessPolicy: a business's booking rules (business.proto's BookingPolicy):
// the availability engine's BookingPolicy plus how long unpaid holds last and
// the cancellation terms, which only the command side and payments use. The
// cancellation terms are those of new bookings: a booking keeps the terms it
// was made under (cancellation_terms.h).
//
// Thread safety: plain values and pure functions.
// Errors: validate_business_policy() returns validation_failed naming the
// first field out of range.
#pragma once

#include "common/result.h"
#include "domain/booking_policy.h"
#include "domain/cancellation_terms.h"
#include "domain/domain_error.h"

namespace slotwise::domain {

inline constexpr int kDefaultHoldMinutes = 15;
inline constexpr int kMaxHoldMinutes = 1440;

struct BusinessPolicy {
  // Slot interval, notice, horizon and daily limit: validate_policy() ranges.
  BookingPolicy booking;
  // How long an unpaid booking keeps its slot: 1..1440.
  int hold_minutes = kDefaultHoldMinutes;
  // Customer cancellations at least this long before the start are refunded
  // in full: 0..527040 (a year, kMaxFreeCancellationCutoffMinutes).
  int free_cancellation_cutoff_minutes = 0;
  // Refund share for later customer cancellations: 0..100.
  int late_cancellation_refund_percent = 0;

  friend bool operator==(const BusinessPolicy& a, const BusinessPolicy& b);
};

[[nodiscard]] common::Result<common::Unit, DomainError> validate_business_policy(
    const BusinessPolicy& policy);

// The policy's cancellation terms: what a booking made now agrees to.
[[nodiscard]] CancellationTerms cancellation_terms_of(const BusinessPolicy& policy);

}  // namespace slotwise::domain
