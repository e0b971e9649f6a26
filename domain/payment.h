// The payment aggregate (subject sw.evt.payment.<booking_id>): the Stripe
// PaymentIntent of one booking, whether it succeeded or failed, and the
// refunds made against it. Every Stripe event id applied is kept in the
// state (rebuilt from the log), so a webhook delivered twice, even days
// apart and long after the NATS duplicate window, has one effect
// (docs/adr/0008-payments.md).
//
// The aggregate records facts Stripe reports; it does not decide about the
// booking (the calendar does). Rules:
//   - a Stripe event id already applied yields no events (duplicate);
//   - RecordFailed after a success yields no events (out of order: Stripe
//     may deliver payment_failed of an earlier attempt after succeeded);
//   - a second success (another event id) yields no events;
//   - a refund id already recorded yields no events;
//   - a refund failure for a refund already recorded as failed yields no
//     events (a redelivered charge.refund.updated, or the same failure
//     reported by refund.failed and again by a refund list). A failed
//     refund no longer counts in refunded_minor; it stays in `refunds`
//     (marked failed) so that it is never recorded as refunded again and
//     its reason is not refunded again automatically;
//   - a Stripe call that answered 500 spends its Idempotency-Key: its
//     failure is recorded once per attempt (a failure of an attempt already
//     recorded yields no events), and the call's next try is the next
//     attempt, whose key is fresh (docs/adr/0008-payments.md).
//
// Thread safety: plain values and pure functions.
// Errors: decide() returns validation_failed for a missing booking id,
// intent id, refund id, a refund failure whose status is not failed or
// canceled, negative or zero amounts where one is required, and
// invalid_state when an intent is recorded for a booking that already has
// another one or a call failure is recorded for an attempt not yet made.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "domain/domain_error.h"
#include "domain/instant.h"
#include "domain/money.h"
#include "slotwise/events/v1/payment.pb.h"

namespace slotwise::domain {

enum class PaymentStatus { none, pending, succeeded, failed };

// The reason of the refund made because the booking could not be had (its
// time taken or passed, the booking gone): the whole payment goes back.
inline constexpr const char* kBookingUnavailableRefund = "booking_unavailable";

// The Stripe calls whose failures are recorded (RecordProviderCallFailed).
inline constexpr const char* kCreatePaymentIntentCall = "create_payment_intent";
inline constexpr const char* kCreateRefundCall = "create_refund";

struct RefundRecord {
  std::int64_t amount_minor = 0;
  std::string reason;
  // Stripe reported it failed or canceled: the money did not go back.
  bool failed = false;
  std::string failure_reason{};

  friend bool operator==(const RefundRecord&, const RefundRecord&) = default;
};

struct PaymentState {
  // Empty until the first event.
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;
  // The intent's amount (what is due), and what was actually paid.
  Money amount;
  Money paid;
  PaymentStatus status = PaymentStatus::none;
  std::set<std::string> provider_event_ids;
  // By refund id, failed ones included.
  std::map<std::string, RefundRecord> refunds;
  // What went back: the refunds that did not fail.
  std::int64_t refunded_minor = 0;
  // By "<call>/<reason>": how many tries of the call Stripe answered 500,
  // i.e. the attempt number of its next try (next_attempt()).
  std::map<std::string, std::uint32_t> failed_attempts{};

  [[nodiscard]] bool exists() const { return !booking_id.empty(); }
  // Whether a refund with this reason ("cancellation", "booking_unavailable")
  // has been recorded, failed or not: SlotWise refunds each reason once and
  // does not retry a refund Stripe reported failed.
  [[nodiscard]] bool has_refund_for(const std::string& reason) const;
  // Whether the payment no longer pays for its booking: it was refunded
  // because the booking could not be had ("booking_unavailable"), or
  // refunded in full. Such a payment never confirms the booking, however
  // often Stripe reports its success. A partial refund of another reason
  // (a goodwill refund from the dashboard) does not count, and neither does
  // a refund that failed: its money stayed with the business.
  [[nodiscard]] bool given_back() const;
  // The attempt number of the next try of the Stripe call `call`
  // (kCreatePaymentIntentCall, or kCreateRefundCall for the refund of
  // `reason`): 0 until a try is recorded as failed. Every process reading
  // the same log gets the same number, so tries made at the same time use
  // the same Idempotency-Key.
  [[nodiscard]] std::uint32_t next_attempt(const std::string& call,
                                           const std::string& reason = "") const;
  friend bool operator==(const PaymentState&, const PaymentState&) = default;
};

struct RecordIntentCreated {
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;
  Money amount;
};

struct RecordSucceeded {
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;
  Money amount;
  std::string provider_event_id;
  Instant succeeded_at{};
};

struct RecordFailed {
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;
  std::string failure_code;
  std::string failure_message;
  std::string provider_event_id;
};

// A refund Stripe made (through our Refunds API call, or reported by a
// charge.refunded webhook). provider_event_id is empty for our own calls.
struct RecordRefund {
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;
  std::string refund_id;
  Money amount;
  std::string reason;
  std::string provider_event_id;
};

// A refund Stripe reported failed or canceled (charge.refund.updated,
// refund.failed, refund.updated, or a refund list). `amount` and `reason`
// are Stripe's (metadata[reason] of ours, else "provider"); a refund
// already recorded keeps the reason and amount it was recorded with.
// provider_event_id is empty when a refund list reported it.
struct RecordRefundFailed {
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;
  std::string refund_id;
  Money amount;
  std::string reason;
  std::string status;  // "failed" or "canceled"
  std::string failure_reason{};
  std::string provider_event_id;
};

// A Stripe call that Stripe answered 500, saving that answer under the
// call's Idempotency-Key: the try `attempt` (next_attempt() when it was
// made) of `call` (for kCreateRefundCall, the refund of `reason`).
struct RecordProviderCallFailed {
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;  // empty for kCreatePaymentIntentCall
  std::string call;
  std::string reason;
  std::uint32_t attempt = 0;
  std::string idempotency_key;
  int http_status = 0;
  std::string message{};
};

using PaymentCommand = std::variant<RecordIntentCreated, RecordSucceeded, RecordFailed,
                                    RecordRefund, RecordRefundFailed, RecordProviderCallFailed>;
using PaymentEvent =
    std::variant<slotwise::events::v1::PaymentIntentCreated, slotwise::events::v1::PaymentSucceeded,
                 slotwise::events::v1::PaymentFailed, slotwise::events::v1::PaymentRefunded,
                 slotwise::events::v1::PaymentRefundFailed,
                 slotwise::events::v1::PaymentProviderCallFailed>;

[[nodiscard]] common::Result<std::vector<PaymentEvent>, DomainError> decide(
    const PaymentState& state, const PaymentCommand& command);

[[nodiscard]] PaymentState evolve(PaymentState state, const PaymentEvent& event);

}  // namespace slotwise::domain
