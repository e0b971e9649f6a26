// Cancelling a paid booking refunds through Stripe's Refunds API per the
// business's policy: in full when the customer cancels at least
// free_cancellation_cutoff_minutes before the start or the owner cancels,
// else late_cancellation_refund_percent; recorded as PaymentRefunded.
#include <doctest/doctest.h>

#include <string>

#include "tests/command-side/payment_test_support.h"

using slotwise::testing::bearer;
using slotwise::testing::book;
using slotwise::testing::CommandFixture;
using slotwise::testing::FakeStripe;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

namespace {

const std::string kPolicy =
    R"("free_cancellation_cutoff_minutes":2880,"late_cancellation_refund_percent":40)";

// Books slot(days, 10) and pays; returns {booking id, manage token}.
std::pair<std::string, std::string> book_and_pay(CommandFixture& f,
                                                 const slotwise::testing::PaidSetup& s, int days) {
  auto r = book(f, s, f.slot(days, 10));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string booking = r.str("booking_id");
  const auto intent = *f.stripe.intent_for_booking(booking);
  REQUIRE(f.deliver_webhook(FakeStripe::intent_event("evt_pay_" + booking,
                                                     "payment_intent.succeeded", intent)) == 200);
  return {booking, r.str("manage_token")};
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "a customer cancelling before the cutoff gets everything back") {
  const auto s = paid_setup(*this, "cancel-early", kPolicy);
  auto [booking, token] = book_and_pay(*this, s, 5);
  auto r = api->post("/v1/bookings/" + booking + "/cancel", R"({"manage_token":")" + token + "\"}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.str("status") == "cancelled");
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 5000);
  CHECK(refunds[0].reason == "cancellation");
  const auto calls = stripe.calls();
  CHECK(calls.back().idempotency_key == "refund-" + booking + "-cancellation");
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded PaymentRefunded");
  // Cancelling again: no second refund.
  CHECK(api->post("/v1/bookings/" + booking + "/cancel", R"({"manage_token":")" + token + "\"}")
            .status == 200);
  CHECK(stripe.refunds().size() == 1);
}

TEST_CASE_FIXTURE(CommandFixture, "a late customer cancellation gets the policy's share") {
  const auto s = paid_setup(*this, "cancel-late", kPolicy);
  auto [booking, token] = book_and_pay(*this, s, 1);  // tomorrow: inside the 48 h cutoff
  auto r = api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}});
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 2000);  // 40 % of 5000
}

TEST_CASE_FIXTURE(CommandFixture, "the owner cancelling refunds in full") {
  const auto s = paid_setup(*this, "cancel-owner", kPolicy);
  auto [booking, token] = book_and_pay(*this, s, 1);
  auto r = api->post("/v1/bookings/" + booking + "/cancel", "", bearer(s.token));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 5000);
}

TEST_CASE_FIXTURE(CommandFixture, "Stripe down during the refund: 503, and the retry refunds") {
  const auto s = paid_setup(*this, "cancel-retry", kPolicy);
  auto [booking, token] = book_and_pay(*this, s, 5);
  stripe.fail_next(1);
  auto first = api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}});
  CHECK(first.status == 503);
  CHECK(first.error_code() == "payment_unavailable");
  CHECK(stripe.refunds().empty());
  auto retry = api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}});
  REQUIRE_MESSAGE(retry.status == 200, retry.body);
  CHECK(stripe.refunds().size() == 1);
}

TEST_CASE_FIXTURE(CommandFixture, "cancelling an unpaid hold refunds nothing") {
  const auto s = paid_setup(*this, "cancel-unpaid", kPolicy);
  auto r = book(*this, s, slot(5, 10));
  REQUIRE(r.status == 201);
  auto c = api->post("/v1/bookings/" + r.str("booking_id") + "/cancel", "",
                     {{"X-Manage-Token", r.str("manage_token")}});
  CHECK(c.status == 200);
  CHECK(stripe.refunds().empty());
}
