// Paid bookings end to end against the fake Stripe: the PaymentIntent made
// for a held booking, the signed webhook that confirms it, duplicates and
// reordering with one effect, failed payments, refunds reported by Stripe,
// refused signatures, Stripe being down while booking, and a server that
// would take payments whose webhooks it refuses (it does not start).
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "service/utf8.h"
#include "slotwise/events/v1/payment.pb.h"
#include "tests/command-side/payment_test_support.h"

using slotwise::testing::book;
using slotwise::testing::booking_status;
using slotwise::testing::CommandFixture;
using slotwise::testing::FakeStripe;
using slotwise::testing::kWebhookSecret;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

TEST_CASE_FIXTURE(CommandFixture, "book a paid service, pay, and the webhook confirms it") {
  const auto s = paid_setup(*this, "pay-flow");
  auto r = book(*this, s, slot(3, 10), "key-1");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.str("status") == "pending_payment");
  CHECK_FALSE(r.str("manage_token").empty());
  REQUIRE(r.json.HasMember("payment"));
  const std::string booking = r.str("booking_id");
  auto intent = stripe.intent_for_booking(booking);
  REQUIRE(intent.has_value());
  CHECK(r.json["payment"]["payment_intent_id"].GetString() == intent->id);
  CHECK(r.json["payment"]["client_secret"].GetString() == intent->client_secret);
  CHECK(r.json["payment"]["amount_minor"].GetInt64() == 5000);
  CHECK(std::string(r.json["payment"]["currency"].GetString()) == "EUR");

  // What SlotWise sent Stripe.
  const auto calls = stripe.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].path == "/v1/payment_intents");
  CHECK(calls[0].idempotency_key == "pi-" + booking);
  CHECK(calls[0].form.at("amount") == "5000");
  CHECK(calls[0].form.at("currency") == "eur");
  CHECK(calls[0].form.at("metadata[booking_id]") == booking);
  CHECK(calls[0].form.at("metadata[business_id]") == s.business);
  CHECK(calls[0].form.at("automatic_payment_methods[enabled]") == "true");
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated");
  CHECK(booking_status(*this, s.business, booking) == "tentative");

  CHECK(deliver_webhook(FakeStripe::intent_event("evt_ok1", "payment_intent.succeeded", *intent)) ==
        200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded");
}

TEST_CASE_FIXTURE(CommandFixture, "webhooks delivered twice and out of order have one effect") {
  const auto s = paid_setup(*this, "pay-dup");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  const std::string succeeded =
      FakeStripe::intent_event("evt_s1", "payment_intent.succeeded", intent);
  const std::string failed =
      FakeStripe::intent_event("evt_f0", "payment_intent.payment_failed", intent);
  CHECK(deliver_webhook(succeeded) == 200);
  const auto after_first = last_sequence();
  CHECK(deliver_webhook(succeeded) == 200);
  // A failure of an earlier attempt, delivered after the success.
  CHECK(deliver_webhook(failed) == 200);
  CHECK(deliver_webhook(failed) == 200);
  CHECK(last_sequence() == after_first);
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded");
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
  CHECK(stripe.refunds().empty());
}

TEST_CASE_FIXTURE(CommandFixture, "a failed payment is recorded and the hold stays") {
  const auto s = paid_setup(*this, "pay-fail");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  CHECK(deliver_webhook(
            FakeStripe::intent_event("evt_f1", "payment_intent.payment_failed", intent)) == 200);
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentFailed");
  CHECK(booking_status(*this, s.business, booking) == "tentative");
  // The slot is still held.
  CHECK(book(*this, s, slot(3, 10), "", "other@example.com").error_code() == "slot_unavailable");
  // The customer tries again and pays.
  CHECK(deliver_webhook(FakeStripe::intent_event("evt_s2", "payment_intent.succeeded", intent)) ==
        200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
}

TEST_CASE_FIXTURE(CommandFixture, "bad or stale signatures are refused and append nothing") {
  const auto s = paid_setup(*this, "pay-sig");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  const std::string body = FakeStripe::intent_event("evt_x", "payment_intent.succeeded", intent);
  const std::int64_t t = now().time_since_epoch().count();
  const auto before = last_sequence();
  std::string tampered = body;
  tampered[tampered.find("5000")] = '9';
  const auto refused = [&](const std::string& payload, const std::string& header) {
    return FakeStripe::deliver(port, payload, header);
  };
  CHECK(refused(tampered, FakeStripe::signature_header(kWebhookSecret, t, body)) == 400);
  CHECK(refused(body, FakeStripe::signature_header("whsec_wrong", t, body)) == 400);
  CHECK(refused(body, FakeStripe::signature_header(kWebhookSecret, t - 301, body)) == 400);
  CHECK(refused(body, "") == 400);
  CHECK(last_sequence() == before);
  CHECK(booking_status(*this, s.business, booking) == "tentative");
  auto direct = api->post("/v1/webhooks/stripe", body, {{"Stripe-Signature", "t=1,v1=00"}});
  CHECK(direct.status == 400);
  CHECK(direct.error_code() == "invalid_signature");
}

TEST_CASE_FIXTURE(CommandFixture, "unknown event types and foreign payments are ignored") {
  CHECK(deliver_webhook(R"({"id":"evt_u","type":"customer.created","data":{"object":{}}})") == 200);
  FakeStripe::Intent foreign{"pi_other", "x", 100, "eur", "order_17", ""};
  CHECK(deliver_webhook(FakeStripe::intent_event("evt_o", "payment_intent.succeeded", foreign)) ==
        200);
}

TEST_CASE_FIXTURE(CommandFixture, "a refunded charge without a payment intent is not ours") {
  // The legacy Charges API on the same Stripe account: no payment_intent,
  // no metadata of ours. Acknowledged without asking Stripe (a GET of
  // /v1/payment_intents/ failed with 502 and Stripe retried for days).
  const std::string legacy =
      R"({"id":"evt_legacy","object":"event","type":"charge.refunded","data":{"object":)"
      R"({"id":"ch_legacy1","object":"charge","payment_intent":null,"amount":2000,)"
      R"("amount_refunded":2000,"currency":"usd","metadata":{},"refunds":{"object":"list",)"
      R"("data":[{"id":"re_legacy1","object":"refund","amount":2000,"metadata":{}}]}}}})";
  const auto before = last_sequence();
  const std::int64_t t = now().time_since_epoch().count();
  auto r =
      api->post("/v1/webhooks/stripe", legacy,
                {{"Stripe-Signature", FakeStripe::signature_header(kWebhookSecret, t, legacy)}});
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["ignored"].GetBool());
  CHECK(stripe.calls().empty());
  CHECK(last_sequence() == before);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "Stripe down: 503 payment_unavailable, the retry gets the intent") {
  const auto s = paid_setup(*this, "pay-down");
  stripe.fail_next(1);
  auto first = book(*this, s, slot(3, 10), "key-down");
  CHECK(first.status == 503);
  CHECK(first.error_code() == "payment_unavailable");
  CHECK_FALSE(first.retry_after.empty());
  // The hold is in the log; the retry with the same key creates the intent.
  auto retry = book(*this, s, slot(3, 10), "key-down");
  REQUIRE_MESSAGE(retry.status == 201, retry.body);
  CHECK(retry.str("status") == "pending_payment");
  const std::string booking = retry.str("booking_id");
  const auto intent = stripe.intent_for_booking(booking);
  REQUIRE(intent.has_value());
  CHECK(retry.json["payment"]["client_secret"].GetString() == intent->client_secret);
  // A second replay answers the same intent; no second intent exists.
  auto again = book(*this, s, slot(3, 10), "key-down");
  REQUIRE(again.status == 201);
  CHECK(again.json["payment"]["payment_intent_id"].GetString() == intent->id);
  CHECK(again.str("manage_token") == retry.str("manage_token"));
  CHECK(stripe.count("POST", "/v1/payment_intents") == 2);  // the failed call and one success
  // Stripe saved the 500 under pi-<booking>: the retry used the next key.
  CHECK(payment_events(*this, booking) == "PaymentProviderCallFailed PaymentIntentCreated");
}

TEST_CASE_FIXTURE(CommandFixture, "charge.refunded records each refund once") {
  const auto s = paid_setup(*this, "pay-refunded");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  REQUIRE(deliver_webhook(FakeStripe::intent_event("evt_s", "payment_intent.succeeded", intent)) ==
          200);
  const FakeStripe::Refund re1{"re_dash1", intent.id, 1000, ""};
  const FakeStripe::Refund re2{"re_dash2", intent.id, 500, ""};
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event("evt_r1", intent, {re1})) == 200);
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event("evt_r2", intent, {re1, re2})) == 200);
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event("evt_r2", intent, {re1, re2})) == 200);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentRefunded PaymentRefunded");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 1500);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "charge.refunded without a refunds list records each refund by its id") {
  const auto s = paid_setup(*this, "pay-refund-unlisted");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  REQUIRE(deliver_webhook(FakeStripe::intent_event("evt_s", "payment_intent.succeeded", intent)) ==
          200);
  // A goodwill refund in the dashboard, and a cancellation refund SlotWise
  // asked for whose answer was lost (so it was never recorded).
  const auto dashboard = stripe.add_refund({"", intent.id, 1000, ""});
  const auto lost = stripe.add_refund({"", intent.id, 2000, "cancellation", booking});
  // Stripe's current shape: no refunds list, only the total.
  const std::string event = FakeStripe::charge_refunded_event_unlisted("evt_u1", intent, 3000);
  CHECK(deliver_webhook(event) == 200);
  CHECK(stripe.count("GET", "/v1/refunds") == 1);
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  const auto& refunds = state->first.refunds;
  REQUIRE(refunds.size() == 2);  // by their re_ ids, none invented
  REQUIRE(refunds.contains(dashboard.id));
  REQUIRE(refunds.contains(lost.id));
  CHECK(refunds.at(dashboard.id).amount_minor == 1000);
  CHECK(refunds.at(dashboard.id).reason == "provider");
  CHECK(refunds.at(lost.id).amount_minor == 2000);
  CHECK(refunds.at(lost.id).reason == "cancellation");
  CHECK(state->first.refunded_minor == 3000);
  // Reported again, and by a later event: nothing new.
  const auto after = last_sequence();
  CHECK(deliver_webhook(event) == 200);
  CHECK(deliver_webhook(FakeStripe::charge_refunded_event_unlisted("evt_u2", intent, 3000)) == 200);
  CHECK(last_sequence() == after);
}

TEST_CASE_FIXTURE(CommandFixture, "charge.refunded with a cut-off refunds list asks for the rest") {
  const auto s = paid_setup(*this, "pay-refund-more");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  REQUIRE(deliver_webhook(FakeStripe::intent_event("evt_s", "payment_intent.succeeded", intent)) ==
          200);
  const auto first = stripe.add_refund({"", intent.id, 1000, ""});
  const auto second = stripe.add_refund({"", intent.id, 500, ""});
  // An older API version's list shows one refund and says there are more.
  std::string event = FakeStripe::charge_refunded_event("evt_m1", intent, {second});
  const std::string tail = R"("data":[)";
  event.insert(event.find(tail), R"("has_more":true,)");
  CHECK(deliver_webhook(event) == 200);
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunds.size() == 2);
  CHECK(state->first.refunds.contains(first.id));
  CHECK(state->first.refunded_minor == 1500);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a long failure message is kept readable, cut between characters") {
  const auto s = paid_setup(*this, "pay-long-error");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  // 501 bytes whose 500th and 501st are one character ("é"), as Stripe's
  // localized decline messages can be.
  std::string failed =
      FakeStripe::intent_event("evt_long", "payment_intent.payment_failed", intent);
  const std::string declined = "Your card was declined.";
  failed.replace(failed.find(declined), declined.size(), std::string(499, 'x') + "\xC3\xA9");
  CHECK(deliver_webhook(failed) == 200);
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentFailed");
  // Recorded cut before the "é", not inside it: a proto3 string that is not
  // valid UTF-8 is refused by strict readers of the log.
  auto commits = reader->read({"payment", booking}, 0);
  REQUIRE(commits.ok());
  slotwise::events::v1::PaymentFailed recorded;
  REQUIRE(commits.value().back().commit.events(0).payload().UnpackTo(&recorded));
  CHECK(recorded.failure_message() == std::string(499, 'x'));
  CHECK(slotwise::service::is_valid_utf8(recorded.failure_message()));
  // The payment's history still loads: the success after it is recorded.
  CHECK(deliver_webhook(FakeStripe::intent_event("evt_ok", "payment_intent.succeeded", intent)) ==
        200);
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentFailed PaymentSucceeded");
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
}

TEST_CASE("the server refuses to start with a Stripe key and no webhook secrets") {
  // Before, it started, took paid bookings and answered every webhook 422:
  // paid holds just expired.
  std::string error;
  try {
    CommandFixture f([](slotwise::command::CommandConfig& c) { c.stripe_webhook_secrets.clear(); });
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CHECK(error.find("stripe_webhook_secrets: required") != std::string::npos);
}
