// CancellationTerms: what a customer's cancellation of a paid booking is
// refunded — in full at least free_cancellation_cutoff_minutes before the
// start, else late_cancellation_refund_percent of the payment. A business's
// policy states its terms for new bookings (BusinessPolicy); every booking
// keeps the terms it was made under (Booking::cancellation_terms), because
// those are what the customer agreed to (docs/adr/0008-payments.md).
//
// Thread safety: plain values and pure functions.
// Errors: validate_cancellation_terms() returns validation_failed naming the
// first field out of range.
#pragma once

#include <string_view>

#include "common/result.h"
#include "domain/domain_error.h"

namespace slotwise::domain {

// A year.
inline constexpr int kMaxFreeCancellationCutoffMinutes = 366 * 1440;

struct CancellationTerms {
  // 0..527040.
  int free_cancellation_cutoff_minutes = 0;
  // 0..100.
  int late_cancellation_refund_percent = 0;

  friend bool operator==(const CancellationTerms&, const CancellationTerms&) = default;
};

// `field_prefix` names where the terms sit in the command ("policy.").
[[nodiscard]] common::Result<common::Unit, DomainError> validate_cancellation_terms(
    const CancellationTerms& terms, std::string_view field_prefix);

}  // namespace slotwise::domain
