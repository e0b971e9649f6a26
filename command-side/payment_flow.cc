#include "command-side/payment_flow.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "command-side/refund_sync.h"
#include "domain/cancellation_refund.h"
#include "domain/stripe_amount.h"
#include "service/utf8.h"

namespace slotwise::command {
namespace {

using service::ApiError;

const domain::Actor kPaymentsActor{domain::ActorKind::system, "payments"};

common::Result<Executed, ExecuteError> execute_payment(CommandContext& ctx,
                                                       const CommandRequest& request,
                                                       const std::string& booking_id,
                                                       const domain::PaymentCommand& command,
                                                       const domain::Actor& actor) {
  return ctx.payments().execute(
      booking_id, [&](const domain::PaymentState& s) { return domain::decide(s, command); },
      new_commit_id(), commit_metadata(ctx, request, actor));
}

// A refund for `reason` is still to be made: the payment succeeded and no
// refund of that reason is recorded (one Stripe reported failed counts: it
// is not retried, docs/adr/0008-payments.md).
bool refund_due(const domain::PaymentState& state, const std::string& reason) {
  return state.status == domain::PaymentStatus::succeeded && !state.has_refund_for(reason);
}

// After a try Stripe answered 500, which Stripe saved under the try's
// Idempotency-Key and answers again to every call with it for 24 hours:
// records the failure, so that the call's next try, by this process or any
// other, is the next attempt and has a fresh key (docs/adr/0008-payments.md).
// A failure to record is logged only: the next try meets the saved 500
// again and records it then.
void record_spent_key(CommandContext& ctx, const CommandRequest& request,
                      domain::RecordProviderCallFailed failure, const StripeError& error) {
  if (!spends_idempotency_key(error)) return;
  failure.http_status = error.http_status;
  // Text from Stripe in a logged event: valid UTF-8, bounded.
  failure.message = std::string(service::truncate_utf8(service::sanitize_utf8(error.message), 200));
  const std::string booking_id = failure.booking_id;
  if (auto r = execute_payment(ctx, request, booking_id, failure, kPaymentsActor); !r) {
    ctx.logger().warn("stripe call failure not recorded",
                      {{"booking_id", booking_id},
                       {"idempotency_key", failure.idempotency_key},
                       {"error", command::to_api_error(r.error()).message}});
  }
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

}  // namespace

ApiError payments_disabled_error() {
  return ApiError{422, "payments_disabled",
                  "this service takes payment and payments are not configured on this server"};
}

ApiError amount_not_payable_error(const std::string& why) {
  return ApiError{422, "amount_not_payable",
                  "this service cannot be paid for: " + why +
                      "; the business must change its price or stop taking payment for it"};
}

ApiError to_api_error(const StripeError& error) {
  if (error.code == StripeError::Code::kUnavailable) {
    return ApiError{503, "payment_unavailable",
                    "the payment provider is unavailable; retry with the same Idempotency-Key"};
  }
  return ApiError{502, "payment_provider_error", "the payment provider refused the request"};
}

service::ApiResult<std::optional<PaymentView>> ensure_payment_intent(
    CommandContext& ctx, const CommandRequest& request, const std::string& booking_id,
    const std::string& business_id, const domain::Money& amount, bool create) {
  const StripeClient* stripe = ctx.stripe();
  if (stripe == nullptr) return common::fail(payments_disabled_error());
  auto loaded = ctx.payments().load(booking_id);
  if (!loaded) return common::fail(command::to_api_error(loaded.error()));
  const domain::PaymentState& state = loaded->first;
  StripeResult<StripePaymentIntent> intent = common::fail(StripeError{});
  if (!state.payment_intent_id.empty()) {
    intent = stripe->retrieve_payment_intent(state.payment_intent_id);
  } else if (create) {
    const std::uint32_t attempt = state.next_attempt(domain::kCreatePaymentIntentCall);
    intent = stripe->create_payment_intent(
        {booking_id, business_id, amount.amount_minor, amount.currency, attempt});
    if (!intent) {
      record_spent_key(ctx, request,
                       {booking_id, business_id, "", domain::kCreatePaymentIntentCall, "", attempt,
                        payment_intent_idempotency_key(booking_id, attempt)},
                       intent.error());
    }
  } else {
    return std::optional<PaymentView>{};
  }
  if (!intent) {
    ctx.logger().warn("stripe payment intent failed",
                      {{"booking_id", booking_id}, {"error", intent.error().message}});
    return common::fail(to_api_error(intent.error()));
  }
  domain::RecordIntentCreated record{booking_id, business_id, intent->id, amount};
  if (auto r = execute_payment(ctx, request, booking_id, record, kPaymentsActor); !r) {
    return common::fail(command::to_api_error(r.error()));
  }
  return std::optional<PaymentView>{
      PaymentView{intent->id, intent->client_secret, amount.amount_minor, upper(amount.currency)}};
}

service::ApiResult<common::Unit> refund_once(CommandContext& ctx, const CommandRequest& request,
                                             const std::string& booking_id,
                                             std::optional<std::int64_t> amount_minor,
                                             const std::string& reason) {
  const StripeClient* stripe = ctx.stripe();
  if (stripe == nullptr) return common::Unit{};
  auto loaded = ctx.payments().load(booking_id);
  if (!loaded) return common::fail(command::to_api_error(loaded.error()));
  if (!refund_due(loaded->first, reason)) return common::Unit{};
  // The log may know less than Stripe: a refund whose own record was lost
  // (its answer, or the append after it, failed; the process died between
  // them), a dashboard refund whose charge.refunded is still on its way.
  // Deciding from the log alone asked for more than is left (Stripe
  // refuses), or made the reason's refund again once Stripe had forgotten
  // its Idempotency-Key (after 24 hours). Record Stripe's refunds, then
  // decide.
  if (auto synced = sync_intent_refunds(ctx, request, loaded->first); !synced) {
    return common::fail(synced.error());
  }
  loaded = ctx.payments().load(booking_id);
  if (!loaded) return common::fail(command::to_api_error(loaded.error()));
  const domain::PaymentState& state = loaded->first;
  if (!refund_due(state, reason)) return common::Unit{};
  const std::int64_t left = state.paid.amount_minor - state.refunded_minor;
  const std::int64_t amount = std::min(amount_minor.value_or(left), left);
  if (amount <= 0) return common::Unit{};
  // Tries made at the same time read the same log, so they share the
  // attempt and its key; a later try after a saved 500 has the next one.
  const std::uint32_t attempt = state.next_attempt(domain::kCreateRefundCall, reason);
  auto refund = stripe->create_refund(state.payment_intent_id, amount, state.paid.currency,
                                      booking_id, reason, attempt);
  if (!refund) {
    record_spent_key(
        ctx, request,
        {booking_id, state.business_id, state.payment_intent_id, domain::kCreateRefundCall, reason,
         attempt, refund_idempotency_key(booking_id, reason, attempt)},
        refund.error());
    ctx.logger().warn("stripe refund failed",
                      {{"booking_id", booking_id}, {"error", refund.error().message}});
    return common::fail(to_api_error(refund.error()));
  }
  domain::RecordRefund record{
      booking_id,
      state.business_id,
      state.payment_intent_id,
      refund->id,
      domain::Money{refund->amount_minor > 0 ? refund->amount_minor : amount, state.paid.currency},
      reason,
      ""};
  if (auto r = execute_payment(ctx, request, booking_id, record, kPaymentsActor); !r) {
    return common::fail(command::to_api_error(r.error()));
  }
  ctx.logger().info("refund recorded", {{"booking_id", booking_id},
                                        {"refund_id", refund->id},
                                        {"amount_minor", amount},
                                        {"reason", reason}});
  return common::Unit{};
}

service::ApiResult<common::Unit> refund_cancellation(CommandContext& ctx,
                                                     const CommandRequest& request,
                                                     const std::string& business_id,
                                                     const std::string& booking_id,
                                                     const domain::BusinessPolicy& policy,
                                                     const domain::Actor& actor) {
  if (ctx.stripe() == nullptr) return common::Unit{};
  auto calendar = ctx.calendars().load(business_id);
  if (!calendar) return common::fail(command::to_api_error(calendar.error()));
  const auto it = calendar->first.bookings.find(booking_id);
  if (it == calendar->first.bookings.end() ||
      it->second.status != domain::BookingStatus::cancelled ||
      it->second.amount_due.amount_minor <= 0) {
    return common::Unit{};
  }
  auto payment = ctx.payments().load(booking_id);
  if (!payment) return common::fail(command::to_api_error(payment.error()));
  if (payment->first.status != domain::PaymentStatus::succeeded) return common::Unit{};
  // The share the cancellation earned, also when this is a retry made
  // later or by someone else (the owner repeating a customer's cancel).
  const domain::Booking& booking = it->second;
  const std::int64_t share = domain::cancellation_refund_minor(
      booking, policy, payment->first.paid.amount_minor, booking.cancelled_by.value_or(actor),
      booking.cancelled_at.value_or(ctx.now()));
  // Rounded down again to what Stripe refunds in the currency (a multiple
  // of 10 fils in KWD): a share Stripe refuses would be a refund never made.
  const std::int64_t amount =
      domain::round_down_to_stripe_amount(share, payment->first.paid.currency);
  if (amount <= 0) return common::Unit{};
  return refund_once(ctx, request, booking_id, amount, kRefundCancellation);
}

}  // namespace slotwise::command
