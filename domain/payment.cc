#include "domain/payment.h"

#include <algorithm>

#include <utility>

#include "domain/proto_values.h"

namespace slotwise::domain {
namespace {

using Events = std::vector<PaymentEvent>;
using Decided = common::Result<Events, DomainError>;

common::Unexpected<DomainError> invalid(std::string message) {
  return common::fail(make_error(error_code::validation_failed, std::move(message)));
}

bool seen(const PaymentState& state, const std::string& provider_event_id) {
  return !provider_event_id.empty() && state.provider_event_ids.contains(provider_event_id);
}

Decided decide_one(const PaymentState& state, const RecordIntentCreated& c) {
  if (c.booking_id.empty()) return invalid("booking_id: is required");
  if (c.payment_intent_id.empty()) return invalid("payment_intent_id: is required");
  if (c.amount.amount_minor <= 0) return invalid("amount: must be positive");
  // The intent may be known from a success recorded first (a crash between
  // Stripe's answer and our append): then the creation is still recorded.
  if (!state.payment_intent_id.empty() && state.payment_intent_id != c.payment_intent_id) {
    return common::fail(
        make_error(error_code::invalid_state, "the booking already has another payment intent"));
  }
  const bool intent_recorded = !state.amount.currency.empty();
  if (intent_recorded) return Events{};
  v1::PaymentIntentCreated created;
  created.set_booking_id(c.booking_id);
  created.set_business_id(c.business_id);
  created.set_payment_intent_id(c.payment_intent_id);
  *created.mutable_amount() = to_proto(c.amount);
  return Events{std::move(created)};
}

Decided decide_one(const PaymentState& state, const RecordSucceeded& c) {
  if (c.booking_id.empty()) return invalid("booking_id: is required");
  if (c.provider_event_id.empty()) return invalid("provider_event_id: is required");
  if (seen(state, c.provider_event_id) || state.status == PaymentStatus::succeeded) {
    return Events{};
  }
  v1::PaymentSucceeded succeeded;
  succeeded.set_booking_id(c.booking_id);
  succeeded.set_business_id(c.business_id);
  succeeded.set_payment_intent_id(c.payment_intent_id);
  *succeeded.mutable_amount() = to_proto(c.amount);
  succeeded.set_provider_event_id(c.provider_event_id);
  *succeeded.mutable_succeeded_at() = to_timestamp(c.succeeded_at);
  return Events{std::move(succeeded)};
}

Decided decide_one(const PaymentState& state, const RecordFailed& c) {
  if (c.booking_id.empty()) return invalid("booking_id: is required");
  if (c.provider_event_id.empty()) return invalid("provider_event_id: is required");
  // A failure reported after the success is an earlier attempt's: ignore.
  if (seen(state, c.provider_event_id) || state.status == PaymentStatus::succeeded) {
    return Events{};
  }
  v1::PaymentFailed failed;
  failed.set_booking_id(c.booking_id);
  failed.set_business_id(c.business_id);
  failed.set_payment_intent_id(c.payment_intent_id);
  failed.set_failure_code(c.failure_code);
  failed.set_failure_message(c.failure_message);
  failed.set_provider_event_id(c.provider_event_id);
  return Events{std::move(failed)};
}

Decided decide_one(const PaymentState& state, const RecordRefund& c) {
  if (c.booking_id.empty()) return invalid("booking_id: is required");
  if (c.refund_id.empty()) return invalid("refund_id: is required");
  if (c.amount.amount_minor <= 0) return invalid("amount: must be positive");
  // One charge.refunded event may report several refunds: deduplicate by
  // refund id only.
  if (state.refunds.contains(c.refund_id)) return Events{};
  v1::PaymentRefunded refunded;
  refunded.set_booking_id(c.booking_id);
  refunded.set_business_id(c.business_id);
  refunded.set_payment_intent_id(c.payment_intent_id);
  refunded.set_refund_id(c.refund_id);
  *refunded.mutable_amount() = to_proto(c.amount);
  refunded.set_reason(c.reason);
  refunded.set_provider_event_id(c.provider_event_id);
  return Events{std::move(refunded)};
}

Decided decide_one(const PaymentState& state, const RecordRefundFailed& c) {
  if (c.booking_id.empty()) return invalid("booking_id: is required");
  if (c.refund_id.empty()) return invalid("refund_id: is required");
  if (c.status != "failed" && c.status != "canceled") {
    return invalid("status: must be failed or canceled");
  }
  // A redelivery, or the same failure reported by another event or a
  // refund list: one record.
  const auto known = state.refunds.find(c.refund_id);
  if (known != state.refunds.end() && known->second.failed) return Events{};
  v1::PaymentRefundFailed failed;
  failed.set_booking_id(c.booking_id);
  failed.set_business_id(c.business_id);
  failed.set_payment_intent_id(c.payment_intent_id);
  failed.set_refund_id(c.refund_id);
  if (known != state.refunds.end()) {
    // What was recorded is what stops counting.
    *failed.mutable_amount() =
        to_proto(Money{known->second.amount_minor,
                       state.paid.currency.empty() ? c.amount.currency : state.paid.currency});
    failed.set_reason(known->second.reason);
  } else {
    *failed.mutable_amount() = to_proto(c.amount);
    failed.set_reason(c.reason);
  }
  failed.set_status(c.status);
  failed.set_failure_reason(c.failure_reason);
  failed.set_provider_event_id(c.provider_event_id);
  return Events{std::move(failed)};
}

std::string call_key(const std::string& call, const std::string& reason) {
  return call + "/" + reason;
}

Decided decide_one(const PaymentState& state, const RecordProviderCallFailed& c) {
  if (c.booking_id.empty()) return invalid("booking_id: is required");
  if (c.call != kCreatePaymentIntentCall && c.call != kCreateRefundCall) {
    return invalid("call: must be create_payment_intent or create_refund");
  }
  if (c.call == kCreateRefundCall && c.reason.empty()) return invalid("reason: is required");
  const std::uint32_t next = state.next_attempt(c.call, c.reason);
  // Another try with the same key (made at the same time, from the same
  // log) recorded it already.
  if (c.attempt < next) return Events{};
  if (c.attempt > next) {
    return common::fail(make_error(error_code::invalid_state, "attempt: not made yet"));
  }
  v1::PaymentProviderCallFailed failed;
  failed.set_booking_id(c.booking_id);
  failed.set_business_id(c.business_id);
  failed.set_payment_intent_id(c.payment_intent_id);
  failed.set_call(c.call);
  failed.set_reason(c.reason);
  failed.set_attempt(c.attempt);
  failed.set_idempotency_key(c.idempotency_key);
  failed.set_http_status(c.http_status);
  failed.set_message(c.message);
  return Events{std::move(failed)};
}

void adopt_ids(PaymentState& s, const std::string& booking_id, const std::string& business_id,
               const std::string& intent_id) {
  if (s.booking_id.empty()) s.booking_id = booking_id;
  if (s.business_id.empty()) s.business_id = business_id;
  if (s.payment_intent_id.empty()) s.payment_intent_id = intent_id;
}

void remember(PaymentState& s, const std::string& provider_event_id) {
  if (!provider_event_id.empty()) s.provider_event_ids.insert(provider_event_id);
}

struct Apply {
  PaymentState& s;

  void operator()(const v1::PaymentIntentCreated& e) const {
    adopt_ids(s, e.booking_id(), e.business_id(), e.payment_intent_id());
    s.amount = from_proto(e.amount());
    if (s.status == PaymentStatus::none) s.status = PaymentStatus::pending;
  }
  void operator()(const v1::PaymentSucceeded& e) const {
    adopt_ids(s, e.booking_id(), e.business_id(), e.payment_intent_id());
    s.paid = from_proto(e.amount());
    s.status = PaymentStatus::succeeded;
    remember(s, e.provider_event_id());
  }
  void operator()(const v1::PaymentFailed& e) const {
    adopt_ids(s, e.booking_id(), e.business_id(), e.payment_intent_id());
    if (s.status != PaymentStatus::succeeded) s.status = PaymentStatus::failed;
    remember(s, e.provider_event_id());
  }
  void operator()(const v1::PaymentRefunded& e) const {
    adopt_ids(s, e.booking_id(), e.business_id(), e.payment_intent_id());
    if (s.refunds.try_emplace(e.refund_id(), RefundRecord{e.amount().amount_minor(), e.reason()})
            .second) {
      s.refunded_minor += e.amount().amount_minor();
    }
    remember(s, e.provider_event_id());
  }
  void operator()(const v1::PaymentRefundFailed& e) const {
    adopt_ids(s, e.booking_id(), e.business_id(), e.payment_intent_id());
    auto [it, inserted] = s.refunds.try_emplace(
        e.refund_id(), RefundRecord{e.amount().amount_minor(), e.reason(), true, ""});
    if (!inserted && !it->second.failed) {
      s.refunded_minor -= it->second.amount_minor;
      it->second.failed = true;
    }
    it->second.failure_reason = e.failure_reason();
    remember(s, e.provider_event_id());
  }
  void operator()(const v1::PaymentProviderCallFailed& e) const {
    adopt_ids(s, e.booking_id(), e.business_id(), e.payment_intent_id());
    std::uint32_t& next = s.failed_attempts[call_key(e.call(), e.reason())];
    next = std::max(next, e.attempt() + 1);
  }
};

}  // namespace

bool PaymentState::has_refund_for(const std::string& reason) const {
  return std::ranges::any_of(refunds,
                             [&](const auto& entry) { return entry.second.reason == reason; });
}

bool PaymentState::given_back() const {
  const bool unavailable_refunded = std::ranges::any_of(refunds, [](const auto& entry) {
    return !entry.second.failed && entry.second.reason == kBookingUnavailableRefund;
  });
  return unavailable_refunded || (paid.amount_minor > 0 && refunded_minor >= paid.amount_minor);
}

std::uint32_t PaymentState::next_attempt(const std::string& call, const std::string& reason) const {
  const auto it = failed_attempts.find(call_key(call, reason));
  return it == failed_attempts.end() ? 0 : it->second;
}

common::Result<std::vector<PaymentEvent>, DomainError> decide(const PaymentState& state,
                                                              const PaymentCommand& command) {
  return std::visit([&](const auto& c) -> Decided { return decide_one(state, c); }, command);
}

PaymentState evolve(PaymentState state, const PaymentEvent& event) {
  std::visit(Apply{state}, event);
  return state;
}

}  // namespace slotwise::domain
