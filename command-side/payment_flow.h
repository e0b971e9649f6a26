// The payment steps the booking handlers and the Stripe webhook share:
// creating (or finding again) a booking's PaymentIntent and recording it,
// refunding a succeeded payment once per reason, and the cancellation
// refund policy. Each step may be repeated after any failure: Stripe calls
// carry Idempotency-Keys derived from the booking, and the payment
// aggregate ignores what it has already recorded (docs/adr/0008-payments.md).
//
// Thread safety: thread-safe (over the thread-safe context).
// Errors: ApiError: 503 payment_unavailable when Stripe cannot be reached
// or answers 429/5xx (retry), 502 payment_provider_error when Stripe refuses
// or answers nonsense, 422 payments_disabled without a Stripe key, 422
// amount_not_payable for an amount Stripe does not take in its currency,
// and the event store's errors (error_mapping.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "command-side/booking_view.h"
#include "command-side/command_context.h"
#include "command-side/command_request.h"
#include "domain/actor.h"
#include "domain/booking.h"
#include "domain/business_policy.h"
#include "domain/money.h"
#include "domain/payment.h"
#include "service/json_body.h"

namespace slotwise::command {

// Refund reasons (part of the refund's Idempotency-Key and of the event).
inline constexpr const char* kRefundCancellation = "cancellation";
inline constexpr const char* kRefundBookingUnavailable = domain::kBookingUnavailableRefund;

// Seconds a client should wait after 503 payment_unavailable.
inline constexpr int kPaymentRetryAfterSeconds = 5;

[[nodiscard]] service::ApiError payments_disabled_error();
// 422 amount_not_payable: what the service asks to be paid is a charge
// Stripe does not take (`why`, domain/stripe_amount.h: not in its units,
// below its minimum, above its maximum, or in a currency it does not take);
// only a service defined before such charges were refused can ask it.
[[nodiscard]] service::ApiError amount_not_payable_error(const std::string& why);
[[nodiscard]] service::ApiError to_api_error(const StripeError& error);

// The booking's PaymentIntent: the recorded one (fetched again from Stripe
// for its client_secret), else, when `create` is set, a new one (Stripe
// Idempotency-Key pi-<booking_id>, pi-<booking_id>-<n> after n tries
// Stripe answered 500) recorded as PaymentIntentCreated. A 500 of Stripe is
// recorded as PaymentProviderCallFailed, so the next try uses the next key.
// nullopt when none exists and `create` is false.
[[nodiscard]] service::ApiResult<std::optional<PaymentView>> ensure_payment_intent(
    CommandContext& ctx, const CommandRequest& request, const std::string& booking_id,
    const std::string& business_id, const domain::Money& amount, bool create);

// Refunds up to `amount_minor` (nullopt: all that is not refunded yet) of
// the booking's succeeded payment, once per `reason`; nothing when no
// payment succeeded or the reason was refunded already. Before deciding it
// records the intent's refunds Stripe holds and the log lacks
// (sync_intent_refunds, refund_sync.h: one Stripe call when the log says a
// refund is due), so a refund whose own record was lost is neither made
// again nor refunded past what is left. Its Idempotency-Key is
// refund-<booking>-<reason>, with -<n> after n tries Stripe answered 500
// (each recorded as PaymentProviderCallFailed).
[[nodiscard]] service::ApiResult<common::Unit> refund_once(CommandContext& ctx,
                                                           const CommandRequest& request,
                                                           const std::string& booking_id,
                                                           std::optional<std::int64_t> amount_minor,
                                                           const std::string& reason);

// After a booking was cancelled: refunds its payment with the share the
// cancellation earned (domain/cancellation_refund.h) under the booking's
// own cancellation terms, and its actor and time as logged, also on a retry
// made later or by someone else. `policy` (the business's current one)
// applies only to bookings logged without terms; `actor` and the current
// time stand in only for cancellations logged without them.
[[nodiscard]] service::ApiResult<common::Unit> refund_cancellation(
    CommandContext& ctx, const CommandRequest& request, const std::string& business_id,
    const std::string& booking_id, const domain::BusinessPolicy& policy,
    const domain::Actor& actor);

}  // namespace slotwise::command
