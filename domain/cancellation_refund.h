// The refund a cancellation of a paid booking earns, under the terms that
// apply to it: the booking's own (the business's policy when it was booked,
// kept through every reschedule) or, for a booking logged before bookings
// carried their terms, the business's current policy (the rule those
// bookings were always refunded by).
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <cstdint>

#include "domain/actor.h"
#include "domain/booking.h"
#include "domain/business_policy.h"
#include "domain/cancellation_terms.h"
#include "domain/instant.h"

namespace slotwise::domain {

// The booking's terms, else `current` (the business's policy now).
[[nodiscard]] CancellationTerms applicable_terms(const Booking& booking,
                                                 const BusinessPolicy& current);

// What a cancellation by `actor` at `now` refunds of `paid_minor`:
// everything when the owner (or the system) cancels or the customer cancels
// at least the terms' free_cancellation_cutoff_minutes before the start (and
// never moved the booking with less notice than that), else the terms'
// late_cancellation_refund_percent of it (rounded down). The terms are
// applicable_terms(booking, current).
[[nodiscard]] std::int64_t cancellation_refund_minor(const Booking& booking,
                                                     const BusinessPolicy& current,
                                                     std::int64_t paid_minor, const Actor& actor,
                                                     Instant now);

}  // namespace slotwise::domain
