// The payment aggregate as a decider: Stripe facts recorded once, duplicates
// and out-of-order deliveries without effect, state rebuilt from the log.
#include <doctest/doctest.h>

#include "domain/fold.h"
#include "domain/payment.h"
#include "tests/domain/aggregate_test_support.h"

namespace slotwise::domain {
namespace {

namespace v1 = slotwise::events::v1;

using test::code_of;
using test::through_log;
using test::types;

const std::string kBooking = "bkg_1";
const std::string kBiz = "biz_1";
const std::string kIntent = "pi_1";
const Money kAmount{5000, "EUR"};

RecordIntentCreated intent() { return {kBooking, kBiz, kIntent, kAmount}; }
RecordSucceeded succeeded(const std::string& event_id) {
  return {kBooking, kBiz, kIntent, kAmount, event_id, Instant{std::chrono::seconds(1000)}};
}
RecordFailed failed(const std::string& event_id) {
  return {kBooking, kBiz, kIntent, "card_declined", "Your card was declined.", event_id};
}
RecordRefund refund(const std::string& refund_id, std::int64_t amount,
                    const std::string& event_id = "") {
  return {kBooking, kBiz, kIntent, refund_id, Money{amount, "EUR"}, "cancellation", event_id};
}

RecordRefundFailed refund_failed(const std::string& refund_id, std::int64_t amount,
                                 const std::string& event_id) {
  return {kBooking,
          kBiz,
          kIntent,
          refund_id,
          Money{amount, "EUR"},
          "provider",
          "failed",
          "expired_or_canceled_card",
          event_id};
}

// Decides and applies (through the log's encoding); the decision must be ok.
PaymentState apply(const PaymentState& s, const PaymentCommand& c) {
  auto d = decide(s, c);
  REQUIRE(d.ok());
  return fold(s, through_log(d.value()));
}

TEST_CASE("an intent is recorded once; another intent for the booking is refused") {
  auto first = decide(PaymentState{}, intent());
  REQUIRE(types(first.value()) == "PaymentIntentCreated");
  const PaymentState s = apply(PaymentState{}, intent());
  CHECK(s.exists());
  CHECK(s.status == PaymentStatus::pending);
  CHECK(s.payment_intent_id == kIntent);
  CHECK(s.amount == kAmount);
  CHECK(decide(s, intent()).value().empty());
  RecordIntentCreated other = intent();
  other.payment_intent_id = "pi_2";
  CHECK(code_of(decide(s, other)) == "invalid_state");
  RecordIntentCreated zero = intent();
  zero.amount.amount_minor = 0;
  CHECK(code_of(decide(PaymentState{}, zero)) == "validation_failed");
  RecordIntentCreated no_id = intent();
  no_id.payment_intent_id.clear();
  CHECK(code_of(decide(PaymentState{}, no_id)) == "validation_failed");
}

TEST_CASE("a success is recorded once, whatever event id repeats it") {
  const PaymentState pending = apply(PaymentState{}, intent());
  auto d = decide(pending, succeeded("evt_1"));
  REQUIRE(types(d.value()) == "PaymentSucceeded");
  const auto& e = std::get<v1::PaymentSucceeded>(d.value()[0]);
  CHECK(e.provider_event_id() == "evt_1");
  CHECK(e.amount().amount_minor() == 5000);
  const PaymentState paid = apply(pending, succeeded("evt_1"));
  CHECK(paid.status == PaymentStatus::succeeded);
  CHECK(paid.paid == kAmount);
  CHECK(paid.provider_event_ids.count("evt_1") == 1);
  CHECK(decide(paid, succeeded("evt_1")).value().empty());
  CHECK(decide(paid, succeeded("evt_9")).value().empty());
  CHECK(code_of(decide(pending, succeeded(""))) == "validation_failed");
}

TEST_CASE("a failure after the success is out of order and ignored") {
  const PaymentState pending = apply(PaymentState{}, intent());
  const PaymentState paid = apply(pending, succeeded("evt_2"));
  CHECK(decide(paid, failed("evt_1")).value().empty());

  // In order: failed, then a retry succeeds.
  const PaymentState declined = apply(pending, failed("evt_1"));
  CHECK(declined.status == PaymentStatus::failed);
  CHECK(decide(declined, failed("evt_1")).value().empty());
  CHECK(types(decide(declined, failed("evt_3")).value()) == "PaymentFailed");
  const PaymentState recovered = apply(declined, succeeded("evt_2"));
  CHECK(recovered.status == PaymentStatus::succeeded);
}

TEST_CASE("a success may arrive before the intent was recorded") {
  const PaymentState paid = apply(PaymentState{}, succeeded("evt_1"));
  CHECK(paid.exists());
  CHECK(paid.payment_intent_id == kIntent);
  const PaymentState both = apply(paid, intent());
  CHECK(both.status == PaymentStatus::succeeded);
  CHECK(both.amount == kAmount);
}

TEST_CASE("refunds are recorded once per refund id and summed") {
  const PaymentState paid = apply(apply(PaymentState{}, intent()), succeeded("evt_1"));
  const PaymentState one = apply(paid, refund("re_1", 2000));
  CHECK(one.refunded_minor == 2000);
  CHECK(one.has_refund_for("cancellation"));
  CHECK_FALSE(one.has_refund_for("slot_unavailable"));
  CHECK(decide(one, refund("re_1", 2000, "evt_5")).value().empty());
  // One charge.refunded event may carry several refunds.
  const PaymentState two = apply(one, refund("re_2", 1000, "evt_5"));
  const PaymentState three = apply(two, refund("re_3", 500, "evt_5"));
  CHECK(three.refunded_minor == 3500);
  CHECK(three.refunds.size() == 3);
  CHECK(code_of(decide(paid, refund("re_4", 0))) == "validation_failed");
  CHECK(code_of(decide(paid, refund("", 10))) == "validation_failed");
}

TEST_CASE("a payment refunded because its booking was unavailable, or in full, is given back") {
  const PaymentState paid = apply(apply(PaymentState{}, intent()), succeeded("evt_1"));
  CHECK_FALSE(paid.given_back());
  // A partial refund for another reason (goodwill, a late cancellation's
  // share) leaves the payment paying for its booking.
  const PaymentState partial = apply(paid, refund("re_1", 2000));
  CHECK_FALSE(partial.given_back());
  CHECK(apply(partial, refund("re_2", 3000)).given_back());
  RecordRefund unavailable = refund("re_3", 1000);
  unavailable.reason = kBookingUnavailableRefund;
  CHECK(apply(paid, unavailable).given_back());
  // Nothing paid yet: nothing given back.
  CHECK_FALSE(apply(PaymentState{}, intent()).given_back());
}

TEST_CASE("a refund Stripe reports failed stops counting, once, and is never recorded again") {
  const PaymentState paid = apply(apply(PaymentState{}, intent()), succeeded("evt_1"));
  const PaymentState refunded = apply(apply(paid, refund("re_1", 2000)), refund("re_2", 1000));
  CHECK(refunded.refunded_minor == 3000);
  auto d = decide(refunded, refund_failed("re_1", 2000, "evt_f1"));
  REQUIRE(types(d.value()) == "PaymentRefundFailed");
  const auto& event = std::get<v1::PaymentRefundFailed>(d.value().front());
  // Recorded under the reason the refund was recorded with.
  CHECK(event.reason() == "cancellation");
  CHECK(event.failure_reason() == "expired_or_canceled_card");
  const PaymentState failed = apply(refunded, refund_failed("re_1", 2000, "evt_f1"));
  CHECK(failed.refunded_minor == 1000);
  CHECK(failed.refunds.at("re_1").failed);
  CHECK(failed.refunds.at("re_1").failure_reason == "expired_or_canceled_card");
  // Its reason still counts as refunded once: SlotWise does not retry it.
  CHECK(failed.has_refund_for("cancellation"));
  // Redelivered, or reported again by another event or a refund list.
  CHECK(decide(failed, refund_failed("re_1", 2000, "evt_f1")).value().empty());
  CHECK(decide(failed, refund_failed("re_1", 2000, "evt_f2")).value().empty());
  CHECK(decide(failed, refund_failed("re_1", 2000, "")).value().empty());
  // A late record of the refund itself (refund_once's, after the failure
  // was reported) does not count it again.
  CHECK(decide(failed, refund("re_1", 2000)).value().empty());
  // A failure of a refund never recorded is kept, and counts for nothing.
  const PaymentState unknown = apply(paid, refund_failed("re_9", 700, "evt_f3"));
  CHECK(unknown.refunded_minor == 0);
  CHECK(unknown.refunds.at("re_9").failed);
  CHECK(unknown.refunds.at("re_9").reason == "provider");
  CHECK(decide(unknown, refund("re_9", 700)).value().empty());
  RecordRefundFailed bad_status = refund_failed("re_2", 1000, "evt_f4");
  bad_status.status = "succeeded";
  CHECK(code_of(decide(refunded, bad_status)) == "validation_failed");
  CHECK(code_of(decide(refunded, refund_failed("", 1000, "evt_f5"))) == "validation_failed");
}

TEST_CASE("a failed refund does not give the payment back") {
  const PaymentState paid = apply(apply(PaymentState{}, intent()), succeeded("evt_1"));
  RecordRefund unavailable = refund("re_1", 5000);
  unavailable.reason = kBookingUnavailableRefund;
  const PaymentState refunded = apply(paid, unavailable);
  CHECK(refunded.given_back());
  // The customer's card was closed: the money went back to the business.
  const PaymentState failed = apply(refunded, refund_failed("re_1", 5000, "evt_f1"));
  CHECK_FALSE(failed.given_back());
  CHECK(failed.refunded_minor == 0);
  CHECK(failed.has_refund_for(kBookingUnavailableRefund));
}

RecordProviderCallFailed refund_call_failed(std::uint32_t attempt) {
  return {kBooking, kBiz,    kIntent, kCreateRefundCall, "cancellation",
          attempt,  "key-x", 500,     "stripe: HTTP 500"};
}

TEST_CASE("a Stripe call answered 500 is recorded once per attempt, and its next try counts on") {
  const PaymentState paid = apply(apply(PaymentState{}, intent()), succeeded("evt_1"));
  CHECK(paid.next_attempt(kCreateRefundCall, "cancellation") == 0);
  auto first = decide(paid, refund_call_failed(0));
  REQUIRE(types(first.value()) == "PaymentProviderCallFailed");
  const PaymentState once = apply(paid, refund_call_failed(0));
  CHECK(once.next_attempt(kCreateRefundCall, "cancellation") == 1);
  // Only that call and reason moved on.
  CHECK(once.next_attempt(kCreateRefundCall, kBookingUnavailableRefund) == 0);
  CHECK(once.next_attempt(kCreatePaymentIntentCall) == 0);
  // A try made at the same time, from the same log, used the same attempt:
  // its failure is the one recorded.
  CHECK(decide(once, refund_call_failed(0)).value().empty());
  CHECK(code_of(decide(once, refund_call_failed(2))) == "invalid_state");
  CHECK(apply(once, refund_call_failed(1)).next_attempt(kCreateRefundCall, "cancellation") == 2);
  // Nothing else changes: no refund, nothing given back.
  CHECK(once.refunds.empty());
  CHECK(once.status == PaymentStatus::succeeded);
  // The intent's creation can fail before the booking has any payment.
  RecordProviderCallFailed intent_call{kBooking, kBiz, "",         kCreatePaymentIntentCall,
                                       "",       0,    "pi-bkg_1", 500};
  const PaymentState no_intent = apply(PaymentState{}, intent_call);
  CHECK(no_intent.next_attempt(kCreatePaymentIntentCall) == 1);
  CHECK(no_intent.payment_intent_id.empty());
  CHECK(no_intent.status == PaymentStatus::none);
  CHECK(types(decide(no_intent, intent()).value()) == "PaymentIntentCreated");
  RecordProviderCallFailed unnamed = refund_call_failed(0);
  unnamed.call = "retrieve";
  CHECK(code_of(decide(paid, unnamed)) == "validation_failed");
}

TEST_CASE("the state rebuilt from the log equals the state built step by step") {
  std::vector<PaymentEvent> all;
  PaymentState s;
  for (const PaymentCommand& c : std::vector<PaymentCommand>{
           intent(), failed("evt_1"), succeeded("evt_2"), refund_call_failed(0),
           refund("re_1", 5000, "evt_3"), refund_failed("re_1", 5000, "evt_4")}) {
    auto d = decide(s, c);
    REQUIRE(d.ok());
    for (const auto& e : d.value()) all.push_back(e);
    s = fold(s, d.value());
  }
  CHECK(fold(PaymentState{}, through_log(all)) == s);
  CHECK(s.provider_event_ids == std::set<std::string>{"evt_1", "evt_2", "evt_3", "evt_4"});
}

}  // namespace
}  // namespace slotwise::domain
