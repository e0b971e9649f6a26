// Refunds that Stripe reports failed or canceled after making them (the
// customer's card was closed): charge.refund.updated, refund.failed and
// refund.updated, and failed refunds in a charge's refund list, are
// recorded once as PaymentRefundFailed; the refund stops counting, is not
// retried, and is counted in slotwise_refunds_failed_total
// (docs/adr/0008-payments.md).
#include <doctest/doctest.h>

#include <string>

#include "tests/command-side/payment_test_support.h"

using slotwise::testing::bearer;
using slotwise::testing::book_and_pay;
using slotwise::testing::booking_status;
using slotwise::testing::CommandFixture;
using slotwise::testing::eventually;
using slotwise::testing::expired_and_taken;
using slotwise::testing::FakeStripe;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

TEST_CASE_FIXTURE(CommandFixture,
                  "a cancellation refund that fails at Stripe stops counting, once, unretried") {
  const auto s = paid_setup(*this, "refund-fails");
  auto [booking, token] = book_and_pay(*this, s, 5);
  auto r = api->post("/v1/bookings/" + booking + "/cancel", "", bearer(s.token));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(stripe.refunds().size() == 1);
  // The card was closed: Stripe moves the refund to failed and says so.
  const auto failed = stripe.fail_refund(stripe.refunds()[0].id);
  const std::string updated = FakeStripe::refund_event("evt_ru1", "charge.refund.updated", failed);
  CHECK(deliver_webhook(updated) == 200);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentRefunded PaymentRefundFailed");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 0);
  REQUIRE(state->first.refunds.contains(failed.id));
  CHECK(state->first.refunds.at(failed.id).failed);
  CHECK(state->first.refunds.at(failed.id).reason == "cancellation");
  CHECK(state->first.refunds.at(failed.id).failure_reason == "expired_or_canceled_card");
  CHECK(eventually([&] { return metric("slotwise_refunds_failed_total") == "1"; }));
  // Redelivered, and reported again by the newer event types and by a
  // charge.refunded list: one record.
  const auto after = last_sequence();
  CHECK(deliver_webhook(updated) == 200);
  CHECK(deliver_webhook(FakeStripe::refund_event("evt_rf1", "refund.failed", failed)) == 200);
  CHECK(deliver_webhook(FakeStripe::refund_event("evt_ru2", "refund.updated", failed)) == 200);
  const auto intent = *stripe.intent_for_booking(booking);
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event_unlisted("evt_cr1", intent, 5000)) ==
        200);
  CHECK(last_sequence() == after);
  // Not retried: a repeated cancel refunds nothing (a new refund to the
  // closed card would fail the same way; the owner returns the money).
  CHECK(api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}}).status ==
        200);
  CHECK(stripe.count("POST", "/v1/refunds") == 1);
  CHECK(metric("slotwise_refunds_failed_total") == "1");
}

TEST_CASE_FIXTURE(CommandFixture, "a dashboard refund that fails is found through its intent") {
  const auto s = paid_setup(*this, "refund-fails-dashboard");
  auto [booking, token] = book_and_pay(*this, s, 5);
  (void)token;
  const auto intent = *stripe.intent_for_booking(booking);
  const auto goodwill = stripe.add_refund({"", intent.id, 1500, ""});
  REQUIRE(deliver_webhook(FakeStripe::charge_refunded_event_unlisted("evt_cr", intent, 1500)) ==
          200);
  const auto canceled = stripe.fail_refund(goodwill.id, "", "canceled");
  CHECK(deliver_webhook(FakeStripe::refund_event("evt_rc", "refund.updated", canceled)) == 200);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentRefunded PaymentRefundFailed");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 0);
  CHECK(state->first.refunds.at(goodwill.id).reason == "provider");
  CHECK(state->first.refunds.at(goodwill.id).failed);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
}

TEST_CASE_FIXTURE(CommandFixture, "a refund list records a failure no event reported") {
  const auto s = paid_setup(*this, "refund-fails-listed");
  auto [booking, token] = book_and_pay(*this, s, 5);
  REQUIRE(
      api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}}).status ==
      200);
  REQUIRE(stripe.refunds().size() == 1);
  // The endpoint is not subscribed to charge.refund.updated; a
  // charge.refunded delivered later (Stripe retrying it) lists the failed
  // one.
  const auto failed = stripe.fail_refund(stripe.refunds()[0].id);
  const auto intent = *stripe.intent_for_booking(booking);
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event_unlisted("evt_cr2", intent, 5000)) ==
        200);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentRefunded PaymentRefundFailed");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunds.at(failed.id).failed);
  CHECK(state->first.refunded_minor == 0);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a late payment whose refund failed is confirmed if its time is free again") {
  const auto s = paid_setup(*this, "refund-fails-late");
  const auto [booking, intent, taker] = expired_and_taken(*this, s);
  const std::string paid = FakeStripe::intent_event("evt_late", "payment_intent.succeeded", intent);
  REQUIRE(deliver_webhook(paid) == 200);
  REQUIRE(stripe.refunds().size() == 1);
  const auto failed = stripe.fail_refund(stripe.refunds()[0].id);
  CHECK(deliver_webhook(FakeStripe::refund_event("evt_rf", "refund.failed", failed)) == 200);
  // The money stayed with the business: the payment is not given back, so
  // the success reported again confirms the booking once its time is free
  // (the customer paid and has neither money nor appointment otherwise).
  auto c = api->post("/v1/bookings/" + taker + "/cancel", "", bearer(s.token));
  REQUIRE_MESSAGE(c.status == 200, c.body);
  CHECK(deliver_webhook(paid) == 200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
  CHECK(stripe.count("POST", "/v1/refunds") == 1);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a late payment whose refund failed is not refunded again while its time is "
                  "taken") {
  const auto s = paid_setup(*this, "refund-fails-late-taken");
  const auto [booking, intent, taker] = expired_and_taken(*this, s);
  const std::string paid = FakeStripe::intent_event("evt_late", "payment_intent.succeeded", intent);
  REQUIRE(deliver_webhook(paid) == 200);
  REQUIRE(stripe.refunds().size() == 1);
  const auto failed = stripe.fail_refund(stripe.refunds()[0].id);
  CHECK(deliver_webhook(FakeStripe::refund_event("evt_rf", "refund.failed", failed)) == 200);
  CHECK(deliver_webhook(paid) == 200);
  CHECK(booking_status(*this, s.business, booking) == "expired");
  CHECK(stripe.count("POST", "/v1/refunds") == 1);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentRefunded PaymentRefundFailed");
}
