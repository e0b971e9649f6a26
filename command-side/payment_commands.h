// The Stripe webhook: POST /v1/webhooks/stripe (NATS sw.cmd.stripe_webhook),
// public, authenticated by the Stripe-Signature header over the raw body
// (stripe_signature.h). Bad or stale signatures: 400 invalid_signature,
// nothing appended.
//
//   payment_intent.succeeded       PaymentSucceeded, then the calendar's
//                                  ConfirmBooking (actor payment_provider);
//                                  when the booking cannot be confirmed
//                                  (after the hold: its start passed, its
//                                  time taken or closed, its day full; or
//                                  cancelled)
//                                  the payment is refunded in full
//                                  (PaymentRefunded, reason
//                                  booking_unavailable); a payment already
//                                  given back (that refund, or refunded in
//                                  full) confirms nothing. A success
//                                  recorded before (a redelivery) first
//                                  records the intent's refunds as Stripe
//                                  lists them (GET /v1/refunds?
//                                  payment_intent=): a refund whose record
//                                  was lost still stops the confirmation
//   payment_intent.payment_failed  PaymentFailed; the hold stays until it
//                                  expires
//   charge.refunded                PaymentRefunded per refund of the charge
//                                  not recorded yet, by its re_ id (the
//                                  event's list when complete, else Stripe's
//                                  GET /v1/refunds?charge=);
//                                  PaymentRefundFailed per failed or
//                                  canceled one not recorded as failed;
//                                  a charge without a payment intent (the
//                                  legacy Charges API) is not ours: 200,
//                                  ignored
//   charge.refund.updated,         the refund (data.object): once failed or
//   refund.updated, refund.failed  canceled, PaymentRefundFailed (it stops
//                                  counting as refunded; not retried);
//                                  one not recorded yet that counts,
//                                  PaymentRefunded (refund_sync.h)
//   anything else                  200, ignored
//
// Every step is repeatable, so a redelivered or reordered event has one
// effect (docs/adr/0008-payments.md). Transient failures (event log, Stripe)
// answer 503 so that Stripe delivers again.
//
// Thread safety: thread-safe.
// Errors: 400 invalid_signature / invalid_request, 422 payments_disabled
// (no Stripe configuration), 503 unavailable / payment_unavailable.
#pragma once

#include "command-side/command_context.h"
#include "command-side/command_request.h"

namespace slotwise::command {

[[nodiscard]] CommandReply stripe_webhook(CommandContext& ctx, const CommandRequest& request);

}  // namespace slotwise::command
