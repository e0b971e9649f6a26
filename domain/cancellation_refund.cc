#include "domain/cancellation_refund.h"

#include <chrono>

namespace slotwise::domain {

CancellationTerms applicable_terms(const Booking& booking, const BusinessPolicy& current) {
  // A booking without terms was logged before BookingTentativelyCreated
  // carried them: it keeps the rule it was always refunded by, the
  // business's current policy (docs/adr/0008-payments.md).
  if (booking.cancellation_terms) return *booking.cancellation_terms;
  return cancellation_terms_of(current);
}

std::int64_t cancellation_refund_minor(const Booking& booking, const BusinessPolicy& current,
                                       std::int64_t paid_minor, const Actor& actor, Instant now) {
  if (actor.kind != ActorKind::customer) return paid_minor;
  const CancellationTerms terms = applicable_terms(booking, current);
  const std::chrono::minutes cutoff(terms.free_cancellation_cutoff_minutes);
  // A move the customer made inside the cutoff counts as the late notice
  // it was: moving first and cancelling later is still late.
  const bool moved_late =
      booking.least_customer_move_notice && *booking.least_customer_move_notice < cutoff;
  if (booking.start - now >= cutoff && !moved_late) return paid_minor;
  return paid_minor * terms.late_cancellation_refund_percent / 100;
}

}  // namespace slotwise::domain
