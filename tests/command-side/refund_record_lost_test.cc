// A refund is decided from what Stripe holds, not from the log alone: before
// refunding, the command side lists the intent's refunds and records those
// the log lacks (a refund whose own record was lost because the answer or
// the append after the Refunds API call failed, a dashboard refund whose
// charge.refunded is still on its way). A later refund then asks for no
// more than is left and none twice, also once Stripe has forgotten the
// Idempotency-Key (docs/adr/0008-payments.md).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "tests/command-side/payment_test_support.h"

using slotwise::testing::book;
using slotwise::testing::book_and_pay;
using slotwise::testing::cancel_as_customer;
using slotwise::testing::CommandFixture;
using slotwise::testing::FakeStripe;
using slotwise::testing::kLateRefundPolicy;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

namespace {

// What Stripe holds as refunded of the booking's intent.
std::int64_t refunded_at_stripe(const CommandFixture& f, const FakeStripe::Intent& intent) {
  std::int64_t total = 0;
  for (const auto& r : f.stripe.refunds()) {
    if (r.payment_intent == intent.id && r.status == "succeeded") total += r.amount;
  }
  return total;
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture,
                  "a late payment's refund whose record was lost is not made again by a repeated "
                  "cancel") {
  const auto s = paid_setup(*this, "lost-unavailable", kLateRefundPolicy);
  auto r = book(*this, s, slot(5, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const std::string token = r.str("manage_token");
  const auto intent = *stripe.intent_for_booking(booking);
  // Cancelled before the payment went through: nothing to refund yet.
  REQUIRE(cancel_as_customer(*this, booking, token) == 200);
  REQUIRE(stripe.refunds().empty());
  // The payment arrives for the cancelled booking and is refunded in full;
  // Stripe makes the refund but its answer is lost, so nothing records it.
  stripe.lose_next_answers(1, "POST", "/v1/refunds");
  const std::string paid = FakeStripe::intent_event("evt_gone", "payment_intent.succeeded", intent);
  CHECK(deliver_webhook(paid) == 503);
  REQUIRE(stripe.refunds().size() == 1);
  CHECK(refunded_at_stripe(*this, intent) == 5000);
  // The lost answer is a 500, which spends the refund's Idempotency-Key
  // (ADR 0008): the next try would use a fresh key, so only the refund list
  // keeps the refund from being made twice, as checked below.
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed");
  // The customer repeats the cancel: its refund (the whole payment, the
  // cancellation was early) finds the payment refunded already. Before, it
  // asked Stripe for 5000 more, which Stripe refuses (502, and the
  // reconciler retried it until a refund by hand was asked for).
  CHECK(cancel_as_customer(*this, booking, token) == 200);
  CHECK(stripe.count("POST", "/v1/refunds") == 1);
  REQUIRE(stripe.refunds().size() == 1);
  CHECK(refunded_at_stripe(*this, intent) == 5000);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed PaymentRefunded");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 5000);
  REQUIRE(state->first.refunds.contains(stripe.refunds()[0].id));
  CHECK(state->first.refunds.at(stripe.refunds()[0].id).reason == "booking_unavailable");
  // Stripe delivers the success again: given back, nothing more.
  CHECK(deliver_webhook(paid) == 200);
  CHECK(stripe.count("POST", "/v1/refunds") == 1);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed PaymentRefunded");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a cancellation refund whose record was lost is not made twice after Stripe "
                  "forgot its key") {
  const auto s = paid_setup(*this, "lost-cancellation", kLateRefundPolicy);
  auto [booking, token] = book_and_pay(*this, s, 1);  // inside the 48 h cutoff: 40 %
  const auto intent = *stripe.intent_for_booking(booking);
  // Stripe refunds the late share, but its answer is lost: 503, unrecorded.
  stripe.lose_next_answers(1, "POST", "/v1/refunds");
  CHECK(cancel_as_customer(*this, booking, token) == 503);
  REQUIRE(stripe.refunds().size() == 1);
  const std::string made = stripe.refunds()[0].id;
  CHECK(refunded_at_stripe(*this, intent) == 2000);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed");
  // A day on Stripe has pruned the key refund-<booking>-cancellation; the
  // cancel is repeated. Before, the same key made a second refund of 2000.
  stripe.forget_idempotency_keys();
  CHECK(cancel_as_customer(*this, booking, token) == 200);
  CHECK(stripe.count("POST", "/v1/refunds") == 1);
  REQUIRE(stripe.refunds().size() == 1);
  CHECK(refunded_at_stripe(*this, intent) == 2000);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed PaymentRefunded");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 2000);
  REQUIRE(state->first.refunds.contains(made));
  CHECK(state->first.refunds.at(made).reason == "cancellation");
  // The reconciler's retry of the 503 finds the refund recorded too.
  for (int i = 0; i < 100 && server->refund_reconciler()->pending() > 0; ++i) {
    advance(std::chrono::minutes(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(server->refund_reconciler()->pending() == 0);
  CHECK(stripe.refunds().size() == 1);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed PaymentRefunded");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a dashboard refund not yet reported is counted before a cancellation refund") {
  const auto s = paid_setup(*this, "lost-dashboard", kLateRefundPolicy);
  auto [booking, token] = book_and_pay(*this, s, 5);  // an early cancellation: in full
  const auto intent = *stripe.intent_for_booking(booking);
  // A goodwill refund in the dashboard; its charge.refunded has not come.
  const auto goodwill = stripe.add_refund({"", intent.id, 1500, ""});
  // What is left goes back; before, the full 5000 was asked for, which
  // Stripe refuses.
  CHECK(cancel_as_customer(*this, booking, token) == 200);
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 2);
  CHECK(refunds[1].amount == 3500);
  CHECK(refunds[1].reason == "cancellation");
  CHECK(refunded_at_stripe(*this, intent) == 5000);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentRefunded PaymentRefunded");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 5000);
  CHECK(state->first.refunds.at(goodwill.id).reason == "provider");
}
