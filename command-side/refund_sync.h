// Recording a booking's refunds as Stripe reports them (a charge.refunded or
// refund webhook, or Stripe's list of them): each refund by its re_ id,
// once. A refund that counts (pending, requires_action, succeeded) and was
// not recorded is recorded as PaymentRefunded; a failed or canceled one as
// PaymentRefundFailed, whether it had been recorded as refunded or not (the
// money did not reach the customer and went back to the business's Stripe
// balance). Failures are logged as errors and counted (the
// slotwise_refunds_failed_total metric); they are not retried
// (docs/adr/0008-payments.md).
//
// A refund's reason is the one SlotWise gave it (metadata[reason] of a
// refund SlotWise made for this booking: "cancellation",
// "booking_unavailable"), else "provider" (the Stripe dashboard, someone
// else).
//
// Thread safety: thread-safe (over the thread-safe context).
// Errors: ApiError: the event store's (error_mapping.h), and for
// sync_intent_refunds Stripe's (payment_flow.h: 503 payment_unavailable,
// 502 payment_provider_error).
#pragma once

#include <string>
#include <vector>

#include "command-side/command_context.h"
#include "command-side/command_request.h"
#include "command-side/stripe_client.h"
#include "domain/payment.h"
#include "service/json_body.h"

namespace slotwise::command {

// The payment the refunds are of.
struct RefundedPayment {
  std::string booking_id;
  std::string business_id;
  std::string payment_intent_id;
  std::string currency;  // any case
};

// Records each of `refunds` as above; `provider_event_id` is the Stripe
// event that reported them (empty for a list SlotWise asked for).
[[nodiscard]] service::ApiResult<common::Unit> record_stripe_refunds(
    CommandContext& ctx, const CommandRequest& request, const RefundedPayment& payment,
    const std::vector<StripeRefund>& refunds, const std::string& provider_event_id);

// Asks Stripe for every refund of the payment's intent
// (GET /v1/refunds?payment_intent=) and records them as above: a refund
// SlotWise made whose own record was lost (an append that failed after
// Stripe refunded) is known before anything is decided on the payment.
[[nodiscard]] service::ApiResult<common::Unit> sync_intent_refunds(
    CommandContext& ctx, const CommandRequest& request, const domain::PaymentState& payment);

}  // namespace slotwise::command
