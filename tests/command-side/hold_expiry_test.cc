// The hold expiry scheduler (command-side/hold_expiry.h) in the real
// server: unpaid holds expire when the clock passes hold_expires_at, also
// when the command process was down at that moment, and a payment that
// arrives after the expiry is confirmed if the slot is still free, else
// refunded in full (docs/adr/0008-payments.md).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/command-side/payment_test_support.h"

using slotwise::testing::book;
using slotwise::testing::booking_status;
using slotwise::testing::CommandFixture;
using slotwise::testing::eventually;
using slotwise::testing::expired_and_taken;
using slotwise::testing::FakeStripe;
using slotwise::testing::kPastHold;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

namespace {

bool expired(CommandFixture& f, const std::string& business, const std::string& booking) {
  return booking_status(f, business, booking) == "expired";
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "an unpaid hold expires and frees the slot") {
  const auto s = paid_setup(*this, "hold-expire");
  const std::string at = slot(3, 10);
  auto r = book(*this, s, at);
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  // Not before its time.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(booking_status(*this, s.business, booking) == "tentative");
  advance(kPastHold);
  CHECK(eventually([&] { return expired(*this, s.business, booking); }));
  auto again = book(*this, s, at, "", "second@example.com");
  CHECK_MESSAGE(again.status == 201, again.body);
}

TEST_CASE_FIXTURE(CommandFixture, "a paid hold does not expire") {
  const auto s = paid_setup(*this, "hold-paid");
  const std::string at = slot(3, 10);
  auto r = book(*this, s, at);
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  REQUIRE(deliver_webhook(FakeStripe::intent_event("evt_p", "payment_intent.succeeded", intent)) ==
          200);
  advance(kPastHold);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a hold that ran out while the server was down expires at start") {
  const auto s = paid_setup(*this, "hold-down");
  const std::string at = slot(3, 10);
  auto r = book(*this, s, at);
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  stop_server();
  advance(kPastHold);
  const auto restarted = std::chrono::steady_clock::now();
  start_server();
  CHECK(eventually([&] { return expired(*this, s.business, booking); }));
  CHECK(std::chrono::steady_clock::now() - restarted < std::chrono::seconds(5));
  CHECK(book(*this, s, at, "", "second@example.com").status == 201);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a late payment confirms the expired booking if the slot is free") {
  const auto s = paid_setup(*this, "late-free");
  const std::string at = slot(3, 10);
  auto r = book(*this, s, at);
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  advance(kPastHold);
  REQUIRE(eventually([&] { return expired(*this, s.business, booking); }));
  CHECK(deliver_webhook(FakeStripe::intent_event("evt_late", "payment_intent.succeeded", intent)) ==
        200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
  CHECK(stripe.refunds().empty());
}

TEST_CASE_FIXTURE(CommandFixture, "a late payment is refunded when the slot was taken") {
  const auto s = paid_setup(*this, "late-taken");
  const auto [booking, intent, taker] = expired_and_taken(*this, s);
  const std::string body =
      FakeStripe::intent_event("evt_late2", "payment_intent.succeeded", intent);
  CHECK(deliver_webhook(body) == 200);
  CHECK(deliver_webhook(body) == 200);  // redelivered: still one refund
  CHECK(booking_status(*this, s.business, booking) == "expired");
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].payment_intent == intent.id);
  CHECK(refunds[0].amount == 5000);
  CHECK(refunds[0].reason == "booking_unavailable");
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded PaymentRefunded");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a refunded late payment reported again never confirms the freed slot") {
  const auto s = paid_setup(*this, "late-refund-redeliver");
  const auto [booking, intent, taker] = expired_and_taken(*this, s);
  const std::string body =
      FakeStripe::intent_event("evt_late3", "payment_intent.succeeded", intent);
  CHECK(deliver_webhook(body) == 200);
  REQUIRE(stripe.refunds().size() == 1);
  // The taker cancels: the time is free again. Stripe redelivers the
  // success (days later, as it may): the customer has the money back and
  // must not get the appointment too.
  auto c = api->post("/v1/bookings/" + taker + "/cancel", "", slotwise::testing::bearer(s.token));
  REQUIRE_MESSAGE(c.status == 200, c.body);
  CHECK(deliver_webhook(body) == 200);
  CHECK(booking_status(*this, s.business, booking) == "expired");
  CHECK(stripe.refunds().size() == 1);
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded PaymentRefunded");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a late payment refunded but not recorded never confirms the freed slot") {
  const auto s = paid_setup(*this, "late-refund-unrecorded");
  const auto [booking, intent, taker] = expired_and_taken(*this, s);
  // Stripe makes the refund, but its answer is lost: nothing records it
  // (as when the append after the Refunds API call fails), and the webhook
  // answers 503 so that Stripe delivers again.
  stripe.lose_next_answers(1, "POST", "/v1/refunds");
  const std::string body =
      FakeStripe::intent_event("evt_late4", "payment_intent.succeeded", intent);
  CHECK(deliver_webhook(body) == 503);
  REQUIRE(stripe.refunds().size() == 1);
  // The lost answer is a 500, which spends the refund's Idempotency-Key
  // (ADR 0008); the refund list finds the refund before any new key is used.
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed");
  // The taker cancels before the redelivery: the time is free again.
  auto c = api->post("/v1/bookings/" + taker + "/cancel", "", slotwise::testing::bearer(s.token));
  REQUIRE_MESSAGE(c.status == 200, c.body);
  // The redelivery learns of the refund from Stripe and records it under
  // its id and reason; the customer has the money back, not the slot.
  CHECK(deliver_webhook(body) == 200);
  CHECK(booking_status(*this, s.business, booking) == "expired");
  CHECK(stripe.refunds().size() == 1);
  // Asked by the first delivery before it refunded, and by the redelivery.
  CHECK(stripe.count("GET", "/v1/refunds") == 2);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed PaymentRefunded");
  auto payment = server->context().payments().load(booking);
  REQUIRE(payment.ok());
  REQUIRE(payment->first.refunds.contains(stripe.refunds()[0].id));
  CHECK(payment->first.refunds.at(stripe.refunds()[0].id).reason == "booking_unavailable");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a late payment is refunded when its day filled up or was closed meanwhile") {
  const auto s = paid_setup(*this, "late-day", R"("max_bookings_per_day":1)");
  auto first = book(*this, s, slot(3, 10));
  auto second = book(*this, s, slot(4, 10));
  REQUIRE(first.status == 201);
  REQUIRE(second.status == 201);
  const std::string full_day = first.str("booking_id");
  const std::string closed_day = second.str("booking_id");
  advance(kPastHold);
  REQUIRE(eventually([&] {
    return expired(*this, s.business, full_day) && expired(*this, s.business, closed_day);
  }));
  // The day's only place went to someone else; the owner closed the other day.
  REQUIRE(book(*this, s, slot(3, 14), "", "taker@example.com").status == 201);
  auto closed =
      api->send("PUT", "/v1/businesses/" + s.business + "/overrides/" + slot(4, 0).substr(0, 10),
                R"({"closed":true})", slotwise::testing::bearer(s.token));
  REQUIRE_MESSAGE(closed.status == 200, closed.body);
  for (const std::string& booking : {full_day, closed_day}) {
    CAPTURE(booking);
    const auto intent = *stripe.intent_for_booking(booking);
    CHECK(deliver_webhook(FakeStripe::intent_event("evt_late_" + booking,
                                                   "payment_intent.succeeded", intent)) == 200);
    CHECK(booking_status(*this, s.business, booking) == "expired");
    CHECK(payment_events(*this, booking) ==
          "PaymentIntentCreated PaymentSucceeded PaymentRefunded");
  }
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 2);
  for (const auto& refund : refunds) {
    CHECK(refund.amount == 5000);
    CHECK(refund.reason == "booking_unavailable");
  }
}
