// Paid bookings in the currencies whose amounts Stripe writes otherwise than
// SlotWise (domain/stripe_amount.h), end to end against the fake Stripe,
// which enforces Stripe's rules for them: ISK is sent as 100 times its
// krónur and read back in krónur, a KWD refund share is rounded down to what
// Stripe refunds, and a KWD price Stripe cannot charge is refused when it is
// set, or (stored before that) when a customer books, before the hold.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "domain/proto_values.h"
#include "slotwise/events/v1/business.pb.h"
#include "tests/command-side/payment_test_support.h"

using slotwise::testing::bearer;
using slotwise::testing::book;
using slotwise::testing::book_and_pay;
using slotwise::testing::booking_status;
using slotwise::testing::CommandFixture;
using slotwise::testing::FakeStripe;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

namespace domain = slotwise::domain;

TEST_CASE_FIXTURE(CommandFixture,
                  "an ISK booking: Stripe is asked for 100 times the price, the log keeps kronur") {
  const auto s = paid_setup(*this, "isk-pay", "", 5000, "ISK");  // 5000 kr.
  auto r = book(*this, s, slot(3, 10));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string booking = r.str("booking_id");
  CHECK(r.json["payment"]["amount_minor"].GetInt64() == 5000);
  CHECK(std::string(r.json["payment"]["currency"].GetString()) == "ISK");
  // Stripe writes ISK with two decimals: 5000 kr. is 500000 (before, 5000:
  // 50 kr.).
  const auto calls = stripe.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].form.at("amount") == "500000");
  CHECK(calls[0].form.at("currency") == "isk");
  const auto intent = *stripe.intent_for_booking(booking);
  CHECK(intent.amount == 500000);

  // Stripe reports the success in its units; the log records krónur.
  REQUIRE(deliver_webhook(
              FakeStripe::intent_event("evt_isk_ok", "payment_intent.succeeded", intent)) == 200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
  auto paid = server->context().payments().load(booking);
  REQUIRE(paid.ok());
  CHECK(paid->first.paid == domain::Money{5000, "ISK"});

  // The owner cancels: the whole payment back, sent in Stripe's units and
  // recorded in krónur, so it counts as all of it.
  auto cancel = api->post("/v1/bookings/" + booking + "/cancel", "", bearer(s.token));
  REQUIRE_MESSAGE(cancel.status == 200, cancel.body);
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 500000);
  CHECK(stripe.calls().back().form.at("amount") == "500000");
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded PaymentRefunded");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunds.at(refunds[0].id).amount_minor == 5000);
  CHECK(state->first.refunded_minor == 5000);
  CHECK(state->first.given_back());

  // Stripe's charge.refunded (it lists the refund, in its units): the same
  // refund, nothing new; a dashboard refund read from the list is krónur too.
  const auto before = last_sequence();
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event_unlisted("evt_isk_r1", intent, 500000)) ==
        200);
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event("evt_isk_r2", intent, refunds)) == 200);
  CHECK(last_sequence() == before);
  state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 5000);
}

TEST_CASE_FIXTURE(CommandFixture, "a UGX refund Stripe reports is recorded in shillings") {
  const auto s = paid_setup(*this, "ugx-pay", "", 30000, "UGX");
  auto [booking, token] = book_and_pay(*this, s, 3);
  (void)token;
  const auto intent = *stripe.intent_for_booking(booking);
  CHECK(intent.amount == 3000000);
  // A goodwill refund of 1000 USh in the dashboard (100000 at Stripe).
  const auto dashboard = stripe.add_refund({"", intent.id, 100000, ""});
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event_unlisted("evt_ugx_r", intent, 100000)) ==
        200);
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.paid == domain::Money{30000, "UGX"});
  CHECK(state->first.refunds.at(dashboard.id).amount_minor == 1000);
  CHECK(state->first.refunded_minor == 1000);
  CHECK_FALSE(state->first.given_back());
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a KWD late cancellation refunds its share rounded down to what Stripe takes") {
  const std::string policy =
      R"("free_cancellation_cutoff_minutes":2880,"late_cancellation_refund_percent":33)";
  const auto s = paid_setup(*this, "kwd-late", policy, 12340, "KWD");  // 12.340 KWD
  auto [booking, token] = book_and_pay(*this, s, 1);                   // inside the 48 h cutoff
  auto r = api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}});
  REQUIRE_MESSAGE(r.status == 200, r.body);
  // 33 % of 12340 fils is 4072 (rounded down); Stripe refunds KWD in tens.
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 4070);
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 4070);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a KWD price Stripe cannot charge is refused when set, and when booked") {
  const auto s = paid_setup(*this, "kwd-price", "", 12340, "KWD");
  const std::string path = "/v1/businesses/" + s.business + "/services/" + s.service;
  auto refused = api->send("PATCH", path, R"({"price_minor":12345})", bearer(s.token));
  CHECK(refused.status == 422);
  CHECK(refused.error_code() == "validation_failed");
  CHECK(refused.body.find("multiples of 10") != std::string::npos);
  // Nothing of it is paid through Stripe: any price.
  auto unpaid =
      api->post("/v1/businesses/" + s.business + "/services",
                R"({"name":"Chat","duration_minutes":30,"price_minor":12345})", bearer(s.token));
  CHECK_MESSAGE(unpaid.status == 201, unpaid.body);

  // A price stored before such prices were refused, written past today's
  // validation: the booking is refused before its hold is appended, not
  // by Stripe after.
  auto loaded = server->context().businesses().load(s.business);
  REQUIRE(loaded.ok());
  domain::ServiceDefinition old = domain::find_service(loaded->first, s.service)->definition;
  old.price.amount_minor = 12345;
  slotwise::events::v1::ServiceUpdated updated;
  updated.set_business_id(s.business);
  updated.set_service_id(s.service);
  *updated.mutable_definition() = domain::to_proto(old);
  auto stored = server->context().businesses().execute(
      s.business,
      [&](const domain::BusinessState&)
          -> slotwise::common::Result<std::vector<domain::BusinessEvent>, domain::DomainError> {
        return std::vector<domain::BusinessEvent>{updated};
      },
      "legacy-price", {});
  REQUIRE(stored.ok());
  const auto before = last_sequence();
  auto r = book(*this, s, slot(3, 10));
  CHECK(r.status == 422);
  CHECK(r.error_code() == "amount_not_payable");
  CHECK(r.body.find("12345 minor units of KWD") != std::string::npos);
  CHECK(last_sequence() == before);
  CHECK(stripe.calls().empty());
}
