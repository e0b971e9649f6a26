#include "command-side/refund_sync.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "command-side/payment_flow.h"
#include "service/utf8.h"

namespace slotwise::command {
namespace {

const domain::Actor kStripeActor{domain::ActorKind::payment_provider, "stripe"};

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// A refund that did not return money, and never will: Stripe's failed and
// canceled are final.
bool refund_failed(const StripeRefund& refund) {
  return refund.status == "failed" || refund.status == "canceled";
}

// The reason a refund is recorded under: the one SlotWise gave it
// (create_refund's metadata, for this booking), else "provider" (made in
// the dashboard, or by someone else).
std::string refund_reason(const StripeRefund& refund, const std::string& booking_id) {
  const bool ours = refund.booking_id == booking_id && (refund.reason == kRefundCancellation ||
                                                        refund.reason == kRefundBookingUnavailable);
  return ours ? refund.reason : std::string("provider");
}

// The command that records what Stripe says of `refund`.
domain::PaymentCommand record_command(const RefundedPayment& p, const StripeRefund& refund,
                                      const std::string& provider_event_id) {
  const domain::Money amount{refund.amount_minor,
                             upper(refund.currency.empty() ? p.currency : refund.currency)};
  const std::string reason = refund_reason(refund, p.booking_id);
  if (refund_failed(refund)) {
    // Text from Stripe in a logged event: valid UTF-8, bounded.
    return domain::RecordRefundFailed{
        p.booking_id,
        p.business_id,
        p.payment_intent_id,
        refund.id,
        amount,
        reason,
        refund.status,
        std::string(service::truncate_utf8(service::sanitize_utf8(refund.failure_reason), 100)),
        provider_event_id};
  }
  return domain::RecordRefund{p.booking_id, p.business_id, p.payment_intent_id, refund.id,
                              amount,       reason,        provider_event_id};
}

}  // namespace

service::ApiResult<common::Unit> record_stripe_refunds(CommandContext& ctx,
                                                       const CommandRequest& request,
                                                       const RefundedPayment& payment,
                                                       const std::vector<StripeRefund>& refunds,
                                                       const std::string& provider_event_id) {
  for (const StripeRefund& refund : refunds) {
    if (refund.id.empty()) continue;
    // A refund of nothing returned nothing; its failure takes nothing back.
    if (refund.amount_minor <= 0) continue;
    const domain::PaymentCommand command = record_command(payment, refund, provider_event_id);
    auto done = ctx.payments().execute(
        payment.booking_id,
        [&](const domain::PaymentState& s) { return domain::decide(s, command); }, new_commit_id(),
        commit_metadata(ctx, request, kStripeActor));
    if (!done) return common::fail(to_api_error(done.error()));
    if (done->appended && refund_failed(refund)) {
      // Stripe put the money back in the business's balance: someone has
      // to return it by other means (docs/adr/0008-payments.md).
      ctx.count_refund_failure();
      ctx.logger().error("refund failed at Stripe, not retried: return the money by other means",
                         {{"booking_id", payment.booking_id},
                          {"refund_id", refund.id},
                          {"amount_minor", refund.amount_minor},
                          {"status", refund.status},
                          {"failure_reason", refund.failure_reason}});
    }
  }
  return common::Unit{};
}

service::ApiResult<common::Unit> sync_intent_refunds(CommandContext& ctx,
                                                     const CommandRequest& request,
                                                     const domain::PaymentState& payment) {
  const StripeClient* stripe = ctx.stripe();
  if (stripe == nullptr || payment.payment_intent_id.empty()) return common::Unit{};
  auto refunds = stripe->list_intent_refunds(payment.payment_intent_id);
  if (!refunds) {
    ctx.logger().warn("stripe refund list failed",
                      {{"booking_id", payment.booking_id}, {"error", refunds.error().message}});
    return common::fail(to_api_error(refunds.error()));
  }
  const std::string currency =
      payment.paid.currency.empty() ? payment.amount.currency : payment.paid.currency;
  return record_stripe_refunds(
      ctx, request,
      RefundedPayment{payment.booking_id, payment.business_id, payment.payment_intent_id, currency},
      *refunds, "");
}

}  // namespace slotwise::command
