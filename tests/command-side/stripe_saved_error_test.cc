// Stripe saves a 500 under the call's Idempotency-Key and answers it again to
// every call with that key for 24 hours. A refund or an intent creation
// whose first try got such a 500 is made on the next try, under the next
// key, exactly once: the failure is recorded in the payment aggregate
// (PaymentProviderCallFailed), and every try reads its attempt number from
// there (docs/adr/0008-payments.md, "A saved 500 spends its
// Idempotency-Key"). Before, every retry sent the spent key again, so the
// reconciler's 50 tries ended in "refund it by hand" and a booking whose
// intent creation failed could not be paid.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "command-side/stripe_client.h"
#include "tests/command-side/payment_test_support.h"

using slotwise::testing::book;
using slotwise::testing::book_and_pay;
using slotwise::testing::booking_status;
using slotwise::testing::cancel_as_customer;
using slotwise::testing::CommandFixture;
using slotwise::testing::eventually;
using slotwise::testing::FakeStripe;
using slotwise::testing::kLateRefundPolicy;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

namespace {

// The Idempotency-Keys of the POSTs to `path`, in order.
std::vector<std::string> keys_of(const CommandFixture& f, const std::string& path) {
  std::vector<std::string> keys;
  for (const auto& call : f.stripe.calls()) {
    if (call.method == "POST" && call.path == path) keys.push_back(call.idempotency_key);
  }
  return keys;
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture,
                  "a cancellation refund whose first try got a saved 500 is made on the "
                  "reconciler's next try, once") {
  const auto s = paid_setup(*this, "saved-refund", kLateRefundPolicy);
  auto [booking, token] = book_and_pay(*this, s, 1);  // inside the 48 h cutoff: 40 %
  const auto intent = *stripe.intent_for_booking(booking);
  const std::string first_key = "refund-" + booking + "-cancellation";
  // The refund list answers; the Refunds API answers 500 and saves it.
  stripe.fail_next(1, 500, "POST", "/v1/refunds");
  CHECK(cancel_as_customer(*this, booking, token) == 503);
  CHECK(stripe.refunds().empty());
  CHECK(server->refund_reconciler()->pending() == 1);
  // Stripe answers that key with its saved 500 from now on.
  slotwise::command::StripeClientOptions options;
  options.api_base = stripe.base_url();
  options.secret_key = stripe.secret_key();
  const slotwise::command::StripeClient client(options);
  auto replayed = client.create_refund(intent.id, 2000, "EUR", booking, "cancellation");
  REQUIRE_FALSE(replayed.ok());
  CHECK(replayed.error().http_status == 500);
  CHECK(stripe.refunds().empty());
  // The reconciler's next try, 5 s on. Before, it sent the spent key again
  // each time and got the saved 500 until it gave up.
  for (int i = 0; i < 100 && stripe.refunds().empty(); ++i) {
    advance(std::chrono::minutes(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(stripe.refunds().size() == 1);
  const auto refund = stripe.refunds()[0];
  CHECK(refund.amount == 2000);
  CHECK(refund.payment_intent == intent.id);
  CHECK(refund.reason == "cancellation");
  CHECK(refund.booking_id == booking);
  CHECK(eventually([&] { return server->refund_reconciler()->pending() == 0; }));
  CHECK(keys_of(*this, "/v1/refunds") ==
        std::vector<std::string>{first_key, first_key, first_key + "-1"});
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed PaymentRefunded");
  auto state = server->context().payments().load(booking);
  REQUIRE(state.ok());
  CHECK(state->first.refunded_minor == 2000);
  CHECK(state->first.refunds.contains(refund.id));
  CHECK(state->first.next_attempt(slotwise::domain::kCreateRefundCall, "cancellation") == 1);
  // The client repeating the cancel afterwards refunds nothing more.
  CHECK(cancel_as_customer(*this, booking, token) == 200);
  CHECK(stripe.refunds().size() == 1);
  CHECK(keys_of(*this, "/v1/refunds").size() == 3);
  CHECK(payment_events(*this, booking) ==
        "PaymentIntentCreated PaymentSucceeded PaymentProviderCallFailed PaymentRefunded");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a booking whose intent creation got a saved 500 gets one intent on the "
                  "client's retry") {
  const auto s = paid_setup(*this, "saved-intent");
  stripe.fail_next(1, 500, "POST", "/v1/payment_intents");
  auto first = book(*this, s, slot(3, 10), "key-saved");
  CHECK(first.status == 503);
  CHECK(first.error_code() == "payment_unavailable");
  // The client retries with its Idempotency-Key, as the 503 asks. Before,
  // Stripe answered the saved 500 again: 503 until the hold ran out.
  auto retry = book(*this, s, slot(3, 10), "key-saved");
  REQUIRE_MESSAGE(retry.status == 201, retry.body);
  const std::string booking = retry.str("booking_id");
  const auto intent = stripe.intent_for_booking(booking);
  REQUIRE(intent.has_value());
  CHECK(intent->amount == 5000);
  CHECK(retry.json["payment"]["payment_intent_id"].GetString() == intent->id);
  CHECK(retry.json["payment"]["client_secret"].GetString() == intent->client_secret);
  const std::string first_key = "pi-" + booking;
  CHECK(keys_of(*this, "/v1/payment_intents") ==
        std::vector<std::string>{first_key, first_key + "-1"});
  // Another replay answers the same intent and creates none.
  auto again = book(*this, s, slot(3, 10), "key-saved");
  REQUIRE(again.status == 201);
  CHECK(again.json["payment"]["payment_intent_id"].GetString() == intent->id);
  CHECK(keys_of(*this, "/v1/payment_intents").size() == 2);
  CHECK(payment_events(*this, booking) == "PaymentProviderCallFailed PaymentIntentCreated");
  // The customer pays it: the booking is confirmed.
  REQUIRE(deliver_webhook(FakeStripe::intent_event("evt_saved_pay", "payment_intent.succeeded",
                                                   *intent)) == 200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
  CHECK(payment_events(*this, booking) ==
        "PaymentProviderCallFailed PaymentIntentCreated PaymentSucceeded");
}
