#include "command-side/booking_commands.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "auth/derived_ids.h"
#include "auth/tokens.h"
#include "command-side/auth_support.h"
#include "command-side/booking_view.h"
#include "command-side/calendar_execution.h"
#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "command-side/payment_flow.h"
#include "domain/business_policy.h"
#include "domain/stripe_amount.h"
#include "domain/text_rules.h"

namespace slotwise::command {
namespace {

using service::ApiError;
using service::JsonObject;

constexpr std::size_t kMaxIdempotencyKey = 255;
// How long a cached business snapshot serves new bookings without a read.
// The business watch marks it stale as soon as any process commits to the
// business, so this only bounds staleness while the watch cannot follow the
// log (docs/adr/0007-command-api.md).
constexpr auto kBusinessSnapshotMaxAge = std::chrono::seconds(10);

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKey) return false;
  return std::ranges::all_of(key, [](char c) { return c >= 0x21 && c <= 0x7E; });
}

service::ApiResult<domain::Customer> read_customer(const JsonObject& body) {
  auto customer = body.required_object("customer");
  if (!customer) return common::fail(customer.error());
  if (auto r = customer->reject_unknown_fields({"name", "email", "phone", "time_zone"}); !r) {
    return common::fail(r.error());
  }
  domain::Customer c;
  auto name = customer->required_string("name", {0, 10000});
  if (!name) return common::fail(name.error());
  c.name = std::move(*name);
  auto email = customer->required_string("email", {0, 10000});
  if (!email) return common::fail(email.error());
  c.email = domain::normalize_email(*email);
  auto phone = customer->optional_string("phone", {0, 10000});
  if (!phone) return common::fail(phone.error());
  c.phone = phone->value_or("");
  auto zone = customer->optional_string("time_zone", {0, 200});
  if (!zone) return common::fail(zone.error());
  c.time_zone = zone->value_or("");
  return c;
}

// The body as an object; an empty body counts as {} (for actions whose
// fields are all optional).
service::ApiResult<rapidjson::Document> optional_body(const CommandRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    rapidjson::Document empty;
    empty.SetObject();
    return empty;
  }
  return parse_object(request);
}

struct ActionTarget {
  std::string booking_id;
  std::string business_id;
  domain::BusinessState business;
  domain::Actor actor;
  std::string manage_token_sha256;
};

// Who acts on {id}: the owner (Bearer token) or a customer (manage token).
service::ApiResult<ActionTarget> action_target(CommandContext& ctx, const CommandRequest& request,
                                               const JsonObject& body, bool owner_only) {
  auto booking_id = id_param(request, "id", auth::IdKind::booking);
  if (!booking_id) return common::fail(booking_id.error());
  ActionTarget t;
  t.booking_id = std::move(*booking_id);
  t.business_id = auth::business_of_booking(t.booking_id).value_or("");
  auto token_field = body.optional_string("manage_token", {1, 200});
  if (!token_field) return common::fail(token_field.error());
  const std::string token =
      !request.manage_token.empty() ? request.manage_token : token_field->value_or("");
  if (!request.authorization.empty() || owner_only || token.empty()) {
    auto user = authenticate(ctx, request);
    if (!user) return common::fail(user.error());
    t.actor = {domain::ActorKind::owner, std::move(*user)};
  } else {
    t.actor = {domain::ActorKind::customer, t.booking_id};
    t.manage_token_sha256 = auth::sha256_hex(token);
  }
  auto business = load_business(ctx, t.business_id);
  if (!business) {
    return common::fail(ApiError{404, "not_found", "no such booking"});
  }
  t.business = std::move(*business);
  return t;
}

// The booking limits (booking_limits.h) for a new booking request: its
// admission (the tokens it took), or the 429 that refuses it.
//
// Tokens are taken here, up front, and create_booking gives them back when
// the calendar answers an idempotent replay (which makes no booking): that
// a request is a replay is decided in the calendar aggregate, and asking it
// before every booking would cost the hot path a second aggregate read. A
// request refused for want of tokens may still be a replay, and a client
// retrying after a lost answer must not be locked out of its own booking:
// only then, off the hot path, is the calendar asked (in place, not
// copied), and a replay goes ahead with its tokens given back. Every other
// request costs its tokens whatever the answer (404, 409 and 422 as much as
// 201), so probing a calendar is not free; only a request refused for its
// syntax (a malformed id, header or body) is answered before this and
// costs nothing: the customer bucket needs the body's email.
common::Result<BookingLimits::Admission, CommandReply> admit_booking(CommandContext& ctx,
                                                                     const CommandRequest& request,
                                                                     const std::string& business_id,
                                                                     const std::string& email) {
  BookingLimits& limits = ctx.booking_limits();
  const auto now = BookingLimits::Clock::now();
  const BookingLimits::Admission admission =
      limits.acquire(request.client_address, business_id, email, now);
  if (!admission.refused) return admission;
  if (!request.idempotency_key.empty()) {
    const std::string request_sha256 = auth::sha256_hex(request.body);
    auto replay = ctx.calendars().holds(business_id, [&](const domain::CalendarState& state) {
      return domain::is_idempotent_replay(state, request.idempotency_key, request_sha256);
    });
    if (!replay) return common::fail(error_reply(to_api_error(replay.error())));
    if (*replay) {
      limits.refund(admission, request.client_address, business_id, email, now);
      return BookingLimits::Admission{};
    }
  }
  const BookingLimits::Refusal& refused = *admission.refused;
  limits.count_refusal(refused.limit);
  const char* message = refused.limit == BookingLimits::Limit::client_address
                            ? "too many bookings from this address; retry later"
                            : "too many bookings for this customer at this business; retry later";
  return common::fail(rate_limited_reply(refused.retry_after, message));
}

CommandReply payment_failure(const ApiError& error) {
  return error_reply(
      error, error.status == 503 ? std::optional<int>(kPaymentRetryAfterSeconds) : std::nullopt);
}

// Runs an action and answers 200 with the booking as it is now.
CommandReply run_action(CommandContext& ctx, const CommandRequest& request,
                        const ActionTarget& target, const domain::CalendarCommand& command) {
  auto outcome = execute_calendar(ctx, request, target.business_id, command, target.actor);
  if (!outcome) return error_reply(to_api_error(outcome.error()));
  auto calendar = ctx.calendars().load(target.business_id);
  if (!calendar) return error_reply(to_api_error(calendar.error()));
  const auto it = calendar->first.bookings.find(target.booking_id);
  if (it == calendar->first.bookings.end()) {
    return error_reply(ApiError{404, "not_found", "no such booking"});
  }
  return booking_reply(200, it->second, target.business_id, "",
                       std::max(outcome->executed.version, calendar->second));
}

}  // namespace

// A linear sequence of parse-then-return steps; splitting it would scatter the
// request's one flow.
// NOLINTNEXTLINE(readability-function-cognitive-complexity)
CommandReply create_booking(CommandContext& ctx, const CommandRequest& request) {
  auto business_id = id_param(request, "id", auth::IdKind::business);
  if (!business_id) return error_reply(business_id.error());
  if (!request.idempotency_key.empty() && !valid_idempotency_key(request.idempotency_key)) {
    return error_reply(service::invalid_request(
        "the Idempotency-Key header must be 1 to 255 visible ASCII characters"));
  }
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"service_id", "start", "customer", "notes"}); !r) {
    return error_reply(r.error());
  }
  auto service_id = body->required_string("service_id", {1, 100});
  if (!service_id) return error_reply(service_id.error());
  auto start = body->required_timestamp("start");
  if (!start) return error_reply(start.error());
  auto customer = read_customer(*body);
  if (!customer) return error_reply(customer.error());
  auto notes = body->optional_string("notes", {0, 10000});
  if (!notes) return error_reply(notes.error());
  auto admitted = admit_booking(ctx, request, *business_id, customer->email);
  if (!admitted) return std::move(admitted).error();

  auto business = load_business(ctx, *business_id, kBusinessSnapshotMaxAge);
  if (!business) return error_reply(business.error());
  const domain::Service* service = domain::find_service(*business, *service_id);
  if (service == nullptr) {
    return error_reply(ApiError{404, "not_found", "no such service at this business"});
  }
  const domain::Money due = domain::amount_due(service->definition);
  if (due.amount_minor > 0 && ctx.stripe() == nullptr) {
    return error_reply(payments_disabled_error());
  }
  // A charge Stripe would refuse (a service defined before such prices were
  // refused: not in its units, below its minimum, above its maximum, or in
  // a currency it does not take): refused before the hold is appended, not
  // by Stripe after.
  if (auto payable = domain::to_stripe_charge_amount(due.amount_minor, due.currency);
      due.amount_minor > 0 && !payable) {
    return error_reply(amount_not_payable_error(payable.error().message));
  }
  auto booking_id = auth::new_booking_id(*business_id);
  if (!booking_id) return error_reply(ApiError{500, "internal", "internal error"});
  auto token = auth::derive_manage_token(ctx.manage_key(), *booking_id);
  if (!token) return error_reply(ApiError{500, "internal", "internal error"});

  domain::CreateBooking create;
  create.business_id = *business_id;
  create.booking_id = *booking_id;
  create.service = {*service_id, *service};
  create.policy = business->policy.booking;
  // What the customer agrees to by booking now; a later policy change does
  // not change this booking's refund (docs/adr/0008-payments.md).
  create.cancellation_terms = domain::cancellation_terms_of(business->policy);
  create.start = *start;
  create.customer = std::move(*customer);
  create.notes = notes->value_or("");
  create.idempotency_key = request.idempotency_key;
  if (!create.idempotency_key.empty()) create.request_sha256 = auth::sha256_hex(request.body);
  create.manage_token_sha256 = token->sha256_hex;
  create.hold_minutes = business->policy.hold_minutes;
  create.now = ctx.now();
  create.actor = {domain::ActorKind::customer, *booking_id};

  auto outcome = execute_calendar(ctx, request, *business_id, create, create.actor);
  if (!outcome) return error_reply(to_api_error(outcome.error()));

  if (outcome->decision.outcome == domain::DecideOutcome::accepted) {
    // The booking as our own events describe it: no read needed.
    domain::CalendarState fresh;
    for (const auto& e : outcome->decision.events) fresh = domain::evolve(std::move(fresh), e);
    const auto it = fresh.bookings.find(*booking_id);
    if (it == fresh.bookings.end()) return error_reply(ApiError{500, "internal", "internal error"});
    std::optional<PaymentView> payment;
    if (it->second.status == domain::BookingStatus::tentative &&
        it->second.amount_due.amount_minor > 0) {
      // The hold is in the log; now the PaymentIntent. If Stripe fails the
      // client retries with its Idempotency-Key and the replay below
      // creates the intent (Stripe's own Idempotency-Key derives from the
      // booking and the attempt the payment aggregate counts, so no second
      // intent can appear; docs/adr/0008-payments.md).
      auto intent = ensure_payment_intent(ctx, request, *booking_id, *business_id,
                                          it->second.amount_due, true);
      if (!intent) return payment_failure(intent.error());
      payment = std::move(*intent);
    }
    return booking_reply(201, it->second, *business_id, token->token, outcome->executed.version,
                         payment);
  }
  // An idempotent retry: answer the first booking again, with its token.
  // It made no booking, so it costs no tokens (admit_booking).
  ctx.booking_limits().refund(*admitted, request.client_address, *business_id,
                              create.customer.email, BookingLimits::Clock::now());
  const std::string& first_id = outcome->decision.booking_id;
  auto calendar = ctx.calendars().load(*business_id);
  if (!calendar) return error_reply(to_api_error(calendar.error()));
  const auto it = calendar->first.bookings.find(first_id);
  auto first_token = auth::derive_manage_token(ctx.manage_key(), first_id);
  if (it == calendar->first.bookings.end() || !first_token) {
    return error_reply(ApiError{500, "internal", "internal error"});
  }
  // The first response again (issue 4: the same key with the same body
  // returns the same response), not the booking as it is now: its status
  // and times as created and the position of the commit that created it.
  // The hold's expiry never changes.
  domain::Booking as_created = it->second;
  as_created.status = as_created.amount_due.amount_minor > 0 ? domain::BookingStatus::tentative
                                                             : domain::BookingStatus::confirmed;
  std::uint64_t position = calendar->second;
  if (const auto key = calendar->first.idempotency_keys.find(request.idempotency_key);
      key != calendar->first.idempotency_keys.end() && key->second.booking_id == first_id) {
    as_created.start = key->second.start;
    as_created.end = key->second.end;
    if (key->second.position != 0) position = key->second.position;
  }
  std::optional<PaymentView> payment;
  if (as_created.amount_due.amount_minor > 0 && ctx.stripe() != nullptr) {
    // The same intent as the first answer; created now if Stripe failed
    // then and the hold is still live.
    const bool create = it->second.status == domain::BookingStatus::tentative &&
                        domain::is_live(it->second, ctx.now());
    auto intent =
        ensure_payment_intent(ctx, request, first_id, *business_id, as_created.amount_due, create);
    if (!intent) return payment_failure(intent.error());
    payment = std::move(*intent);
  }
  return booking_reply(201, as_created, *business_id, first_token->token, position, payment);
}

CommandReply cancel_booking(CommandContext& ctx, const CommandRequest& request) {
  auto doc = optional_body(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"reason", "manage_token"}); !r) {
    return error_reply(r.error());
  }
  auto reason = body->optional_string("reason", {0, 500});
  if (!reason) return error_reply(reason.error());
  auto target = action_target(ctx, request, *body, false);
  if (!target) return error_reply(target.error());
  domain::CancelBooking cancel{target->business_id,
                               target->booking_id,
                               target->business.owner_user_id,
                               target->actor,
                               target->manage_token_sha256,
                               reason->value_or(""),
                               ctx.now()};
  CommandReply reply = run_action(ctx, request, *target, cancel);
  if (reply.status != 200) return reply;
  // A paid booking's refund, per its cancellation terms. When it fails, a
  // retry of the cancellation (after the 503) finds it cancelled and
  // refunds then, and so does the refund reconciler without one.
  auto refunded = refund_cancellation(ctx, request, target->business_id, target->booking_id,
                                      target->business.policy, target->actor);
  if (!refunded) {
    ctx.retry_refund_later(target->business_id, target->booking_id);
    return payment_failure(refunded.error());
  }
  return reply;
}

CommandReply reschedule_booking(CommandContext& ctx, const CommandRequest& request) {
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"start", "manage_token"}); !r) {
    return error_reply(r.error());
  }
  auto start = body->required_timestamp("start");
  if (!start) return error_reply(start.error());
  auto target = action_target(ctx, request, *body, false);
  if (!target) return error_reply(target.error());
  domain::RescheduleBooking move{target->business_id,
                                 target->booking_id,
                                 target->business.owner_user_id,
                                 target->actor,
                                 target->manage_token_sha256,
                                 *start,
                                 target->business.policy.booking,
                                 ctx.now()};
  return run_action(ctx, request, *target, move);
}

namespace {

// complete / no-show: owner only, no body fields.
template <class Command>
CommandReply owner_action(CommandContext& ctx, const CommandRequest& request) {
  auto doc = optional_body(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({}); !r) return error_reply(r.error());
  auto target = action_target(ctx, request, *body, true);
  if (!target) return error_reply(target.error());
  Command command{target->business_id, target->booking_id, target->business.owner_user_id,
                  target->actor, ctx.now()};
  return run_action(ctx, request, *target, command);
}

}  // namespace

CommandReply complete_booking(CommandContext& ctx, const CommandRequest& request) {
  return owner_action<domain::CompleteBooking>(ctx, request);
}

CommandReply mark_no_show(CommandContext& ctx, const CommandRequest& request) {
  return owner_action<domain::MarkNoShow>(ctx, request);
}

}  // namespace slotwise::command
