#include "command-side/payment_commands.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include "auth/derived_ids.h"
#include "auth/tokens.h"
#include "command-side/calendar_execution.h"
#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "command-side/payment_flow.h"
#include "command-side/refund_sync.h"
#include "command-side/stripe_json.h"
#include "command-side/stripe_signature.h"
#include "service/utf8.h"

namespace slotwise::command {
namespace {

using service::ApiError;
using service::ApiResult;

const domain::Actor kStripeActor{domain::ActorKind::payment_provider, "stripe"};

std::string metadata_booking_id(const rapidjson::Value* object) {
  return string_at(member(object, "metadata"), "booking_id");
}

// Text from Stripe as a field of a logged event: valid UTF-8 (an event
// with a string that is not can never be read back) and at most
// `max_bytes`, cut between code points.
std::string bounded_text(const std::string& text, std::size_t max_bytes) {
  return std::string(service::truncate_utf8(service::sanitize_utf8(text), max_bytes));
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

CommandReply received(bool ignored) {
  return json_reply(200, [ignored](JsonWriter& w) {
    service::json_string(w, "received");
    w.Bool(true);
    service::json_string(w, "ignored");
    w.Bool(ignored);
  });
}

CommandReply failure(const ApiError& error) {
  return error_reply(
      error, error.status == 503 ? std::optional<int>(kPaymentRetryAfterSeconds) : std::nullopt);
}

// The calendar's refusals of a payment's ConfirmBooking that mean the
// booking cannot be had (docs/adr/0008-payments.md): the payment is
// refunded in full. Other refusals (a booking the calendar does not know)
// are logged and left alone.
bool booking_unavailable(std::string_view code) {
  namespace ec = domain::error_code;
  return code == ec::slot_unavailable || code == ec::invalid_state || code == ec::outside_hours ||
         code == ec::daily_limit_reached;
}

// One Stripe event: its id and the booking it is about.
struct StripeEvent {
  std::string id;
  std::string booking_id;
  std::string business_id;
  const rapidjson::Value* object = nullptr;
};

common::Result<Executed, ExecuteError> record(CommandContext& ctx, const CommandRequest& request,
                                              const std::string& booking_id,
                                              const domain::PaymentCommand& command) {
  return ctx.payments().execute(
      booking_id, [&](const domain::PaymentState& s) { return domain::decide(s, command); },
      new_commit_id(), commit_metadata(ctx, request, kStripeActor));
}

CommandReply on_succeeded(CommandContext& ctx, const CommandRequest& request,
                          const StripeEvent& e) {
  // In SlotWise minor units (Stripe writes ISK, UGX, MGA otherwise).
  auto pi = intent_from_json(e.object);
  if (!pi) return failure(to_api_error(pi.error()));
  const std::int64_t amount =
      pi->amount_received_minor > 0 ? pi->amount_received_minor : pi->amount_minor;
  domain::RecordSucceeded succeeded{e.booking_id, e.business_id,
                                    pi->id,       domain::Money{amount, upper(pi->currency)},
                                    e.id,         ctx.now()};
  auto recorded = record(ctx, request, e.booking_id, succeeded);
  if (!recorded) return failure(to_api_error(recorded.error()));
  // Confirm even when the success was recorded before: a delivery that
  // failed after recording it must still confirm (or refund) on retry.
  // But not once the money went back: a late payment refunded because its
  // time was taken, redelivered after the time became free again, would
  // leave the customer with the refund and the appointment.
  auto payment = ctx.payments().load(e.booking_id);
  if (!payment) return failure(to_api_error(payment.error()));
  if (!recorded->appended && !payment->first.given_back()) {
    // Recorded before: an earlier delivery may have refunded the payment at
    // Stripe and failed to record it (the append failed after the Refunds
    // API answered). Stripe knows: record its refunds before deciding.
    if (auto synced = sync_intent_refunds(ctx, request, payment->first); !synced) {
      return failure(synced.error());
    }
    payment = ctx.payments().load(e.booking_id);
    if (!payment) return failure(to_api_error(payment.error()));
  }
  if (payment->first.given_back()) {
    ctx.logger().info("refunded payment reported again: booking not confirmed",
                      {{"booking_id", e.booking_id}});
    return received(false);
  }
  auto business = load_business(ctx, e.business_id);
  if (!business) return failure(business.error());
  domain::ConfirmBooking confirm{
      e.business_id,       e.booking_id, business->owner_user_id, kStripeActor,
      "payment_succeeded", ctx.now(),    business->policy.booking};
  auto confirmed = execute_calendar(ctx, request, e.business_id, confirm, kStripeActor);
  if (confirmed) return received(false);
  if (!confirmed.error().is_domain()) return failure(to_api_error(confirmed.error()));
  const std::string& code = confirmed.error().domain().code;
  if (!booking_unavailable(code)) {
    ctx.logger().warn("payment for a booking that cannot be confirmed",
                      {{"booking_id", e.booking_id}, {"code", code}});
    return received(false);
  }
  // Paid, but the booking cannot be had (its time taken, passed, closed or
  // its day full after the hold ran out, or it was cancelled): give the
  // money back.
  ctx.logger().info("late payment refunded", {{"booking_id", e.booking_id}, {"code", code}});
  if (auto r = refund_once(ctx, request, e.booking_id, std::nullopt, kRefundBookingUnavailable);
      !r) {
    return failure(r.error());
  }
  return received(false);
}

CommandReply on_failed(CommandContext& ctx, const CommandRequest& request, const StripeEvent& e) {
  const rapidjson::Value* pi = e.object;
  const rapidjson::Value* error = member(pi, "last_payment_error");
  domain::RecordFailed failed{e.booking_id,
                              e.business_id,
                              string_at(pi, "id"),
                              bounded_text(string_at(error, "code"), 100),
                              bounded_text(string_at(error, "message"), 500),
                              e.id};
  if (auto r = record(ctx, request, e.booking_id, failed); !r) {
    return failure(to_api_error(r.error()));
  }
  return received(false);
}

// The charge's refunds: the list the event carries when it is complete
// (API versions before 2022-11-15), else Stripe's list of them. Newer
// versions leave the list out; a total (amount_refunded) would not say
// which refunds it sums, and recording a difference under an invented id
// counted a refund twice when refund_once recorded it at the same time.
StripeResult<std::vector<StripeRefund>> charge_refunds(const StripeClient& stripe,
                                                       const rapidjson::Value* charge) {
  const rapidjson::Value* listed = member(charge, "refunds");
  const rapidjson::Value* data = member(listed, "data");
  const rapidjson::Value* more = member(listed, "has_more");
  const bool complete = more == nullptr || !more->IsBool() || !more->GetBool();
  if (data == nullptr || !data->IsArray() || !complete) {
    return stripe.list_refunds(string_at(charge, "id"));
  }
  // A listed refund's amount is in the charge's currency.
  const std::string currency = string_at(charge, "currency");
  std::vector<StripeRefund> refunds;
  for (const auto& item : data->GetArray()) {
    auto refund = refund_from_json(&item, currency);
    if (!refund) return common::fail(refund.error());
    refunds.push_back(std::move(*refund));
  }
  return refunds;
}

CommandReply on_refunded(CommandContext& ctx, const CommandRequest& request, const StripeEvent& e) {
  const rapidjson::Value* charge = e.object;
  auto refunds = charge_refunds(*ctx.stripe(), charge);
  if (!refunds) {
    ctx.logger().warn("stripe refund list failed",
                      {{"booking_id", e.booking_id}, {"error", refunds.error().message}});
    return failure(to_api_error(refunds.error()));
  }
  // Each refund by its own id: one that refund_once records at the same
  // time, or an earlier delivery recorded, is recorded once.
  const RefundedPayment payment{e.booking_id, e.business_id, string_at(charge, "payment_intent"),
                                string_at(charge, "currency")};
  if (auto r = record_stripe_refunds(ctx, request, payment, *refunds, e.id); !r) {
    return failure(r.error());
  }
  return received(false);
}

// charge.refund.updated, refund.updated, refund.failed: one refund whose
// status changed; what matters is a refund that failed or was canceled
// after it was made (the customer's card was closed): it stops counting.
CommandReply on_refund_changed(CommandContext& ctx, const CommandRequest& request,
                               const StripeEvent& e) {
  auto refund = refund_from_json(e.object);
  if (!refund) return failure(to_api_error(refund.error()));
  const RefundedPayment payment{e.booking_id, e.business_id, refund->payment_intent,
                                refund->currency};
  if (auto r = record_stripe_refunds(ctx, request, payment, {*refund}, e.id); !r) {
    return failure(r.error());
  }
  return received(false);
}

bool is_refund_event(const std::string& type) {
  return type == "charge.refund.updated" || type == "refund.updated" || type == "refund.failed";
}

}  // namespace

CommandReply stripe_webhook(CommandContext& ctx, const CommandRequest& request) {
  if (ctx.stripe() == nullptr || ctx.webhook_secrets().empty()) {
    return error_reply(payments_disabled_error());
  }
  if (auto verified =
          verify_stripe_signature(request.stripe_signature, request.body, ctx.webhook_secrets(),
                                  ctx.webhook_tolerance(), ctx.now());
      !verified) {
    ctx.logger().warn("stripe webhook refused", {{"reason", verified.error().message}});
    return error_reply(ApiError{400, "invalid_signature", "the Stripe-Signature does not verify"});
  }
  rapidjson::Document doc;
  doc.Parse(request.body.c_str(), request.body.size());
  const rapidjson::Value* object =
      doc.HasParseError() ? nullptr : member(member(&doc, "data"), "object");
  if (object == nullptr || !object->IsObject()) {
    return error_reply(service::invalid_request("not a Stripe event"));
  }
  const std::string type = string_at(&doc, "type");
  StripeEvent e;
  e.id = string_at(&doc, "id");
  e.object = object;
  if (e.id.empty()) return error_reply(service::invalid_request("the event has no id"));
  const bool handled = type == "payment_intent.succeeded" ||
                       type == "payment_intent.payment_failed" || type == "charge.refunded" ||
                       is_refund_event(type);
  if (!handled) return received(true);

  e.booking_id = metadata_booking_id(e.object);
  if (e.booking_id.empty() && (type == "charge.refunded" || is_refund_event(type))) {
    // A charge does not carry its intent's metadata, nor does a refund
    // made in the dashboard: ask Stripe. One without an intent (the legacy
    // Charges API, another integration on the same account) is not ours;
    // asking would be a GET of /v1/payment_intents/ that fails, and Stripe
    // would retry for days.
    const std::string intent_id = string_at(e.object, "payment_intent");
    if (intent_id.empty()) return received(true);
    auto intent = ctx.stripe()->retrieve_payment_intent(intent_id);
    if (!intent) return failure(to_api_error(intent.error()));
    e.booking_id = intent->booking_id;
  }
  auto business = auth::business_of_booking(e.booking_id);
  if (!auth::is_valid_id(e.booking_id, auth::IdKind::booking) || !business) {
    // Not one of ours (another integration on the same Stripe account).
    return received(true);
  }
  e.business_id = *business;
  if (type == "payment_intent.succeeded") return on_succeeded(ctx, request, e);
  if (type == "payment_intent.payment_failed") return on_failed(ctx, request, e);
  if (type == "charge.refunded") return on_refunded(ctx, request, e);
  return on_refund_changed(ctx, request, e);
}

}  // namespace slotwise::command
