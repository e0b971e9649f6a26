// Cancelling a paid booking refunds through Stripe's Refunds API per the
// cancellation terms the booking was made under (the business's policy
// then): in full when the customer cancels at least
// free_cancellation_cutoff_minutes before the start or the owner cancels,
// else late_cancellation_refund_percent; recorded as PaymentRefunded. The
// payment's webhook delivered again later refunds nothing more.
#include <doctest/doctest.h>

#include <string>

#include "tests/command-side/payment_test_support.h"

using slotwise::testing::bearer;
using slotwise::testing::book;
using slotwise::testing::book_and_pay;
using slotwise::testing::CommandFixture;
using slotwise::testing::FakeStripe;
using slotwise::testing::kLateRefundPolicy;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

TEST_CASE_FIXTURE(CommandFixture, "a customer cancelling before the cutoff gets everything back") {
  const auto s = paid_setup(*this, "cancel-early", kLateRefundPolicy);
  auto [booking, token] = book_and_pay(*this, s, 5);
  auto r = api->post("/v1/bookings/" + booking + "/cancel", R"({"manage_token":")" + token + "\"}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.str("status") == "cancelled");
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 5000);
  CHECK(refunds[0].reason == "cancellation");
  const auto calls = stripe.calls();
  REQUIRE(!calls.empty());
  // cppcheck-suppress containerOutOfBounds ; REQUIRE ends the test when empty
  CHECK(calls.back().idempotency_key == "refund-" + booking + "-cancellation");
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded PaymentRefunded");
  // Cancelling again: no second refund.
  CHECK(api->post("/v1/bookings/" + booking + "/cancel", R"({"manage_token":")" + token + "\"}")
            .status == 200);
  CHECK(stripe.refunds().size() == 1);
}

TEST_CASE_FIXTURE(CommandFixture, "a late customer cancellation gets the policy's share") {
  const auto s = paid_setup(*this, "cancel-late", kLateRefundPolicy);
  auto [booking, token] = book_and_pay(*this, s, 1);  // tomorrow: inside the 48 h cutoff
  auto r = api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}});
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 2000);  // 40 % of 5000
}

TEST_CASE_FIXTURE(CommandFixture, "the owner cancelling refunds in full") {
  const auto s = paid_setup(*this, "cancel-owner", kLateRefundPolicy);
  auto [booking, token] = book_and_pay(*this, s, 1);
  auto r = api->post("/v1/bookings/" + booking + "/cancel", "", bearer(s.token));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 5000);
}

TEST_CASE_FIXTURE(CommandFixture, "Stripe down during the refund: 503, and the retry refunds") {
  const auto s = paid_setup(*this, "cancel-retry", kLateRefundPolicy);
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
  const auto s = paid_setup(*this, "cancel-unpaid", kLateRefundPolicy);
  auto r = book(*this, s, slot(5, 10));
  REQUIRE(r.status == 201);
  auto c = api->post("/v1/bookings/" + r.str("booking_id") + "/cancel", "",
                     {{"X-Manage-Token", r.str("manage_token")}});
  CHECK(c.status == 200);
  CHECK(stripe.refunds().empty());
}

TEST_CASE_FIXTURE(CommandFixture,
                  "the payment reported again after cancellation or completion refunds nothing") {
  const auto s = paid_setup(*this, "pay-again", kLateRefundPolicy);
  const auto redeliver = [&](const std::string& booking) {
    return deliver_webhook(FakeStripe::intent_event(
        "evt_pay_" + booking, "payment_intent.succeeded", *stripe.intent_for_booking(booking)));
  };
  auto [done, done_token] = book_and_pay(*this, s, 1);
  // Cancelled late by the customer (the policy's 40 %), then Stripe sends
  // the success again.
  auto [late, late_token] = book_and_pay(*this, s, 1, 12);
  REQUIRE(
      api->post("/v1/bookings/" + late + "/cancel", "", {{"X-Manage-Token", late_token}}).status ==
      200);
  CHECK(redeliver(late) == 200);
  auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 2000);
  // A hold cancelled before its payment went through: that payment is for
  // a booking that is gone, and goes back in full.
  auto r = book(*this, s, slot(5, 12));
  REQUIRE(r.status == 201);
  const std::string gone = r.str("booking_id");
  REQUIRE(
      api->post("/v1/bookings/" + gone + "/cancel", "", {{"X-Manage-Token", r.str("manage_token")}})
          .status == 200);
  CHECK(redeliver(gone) == 200);
  refunds = stripe.refunds();
  REQUIRE(refunds.size() == 2);
  CHECK(refunds[1].amount == 5000);
  CHECK(refunds[1].reason == "booking_unavailable");
  // Completed by the owner after the appointment, then the same.
  advance(std::chrono::hours(48));
  auto login = api->post("/v1/auth/login",
                         R"({"email":"pay-again@example.com","password":"correct horse"})");
  REQUIRE(login.status == 200);
  REQUIRE(api->post("/v1/bookings/" + done + "/complete", "", bearer(login.str("token"))).status ==
          200);
  CHECK(redeliver(done) == 200);
  CHECK(stripe.refunds().size() == 2);
  CHECK(payment_events(*this, done) == "PaymentIntentCreated PaymentSucceeded");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a refund retried later keeps the share the cancellation earned") {
  const auto s = paid_setup(*this, "cancel-share", kLateRefundPolicy);
  auto [early, early_token] = book_and_pay(*this, s, 3);
  auto [late, late_token] = book_and_pay(*this, s, 1);
  // The customer cancels late while Stripe is down; the owner repeats the
  // cancel: the customer's late share, not the owner's full refund.
  stripe.fail_next(1);
  CHECK(
      api->post("/v1/bookings/" + late + "/cancel", "", {{"X-Manage-Token", late_token}}).status ==
      503);
  CHECK(api->post("/v1/bookings/" + late + "/cancel", "", bearer(s.token)).status == 200);
  auto refunds = stripe.refunds();
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0].amount == 2000);
  // The customer cancels three days ahead while Stripe is down and retries
  // only after the cutoff has passed: still everything back.
  stripe.fail_next(1);
  CHECK(api->post("/v1/bookings/" + early + "/cancel", "", {{"X-Manage-Token", early_token}})
            .status == 503);
  advance(std::chrono::hours(48));
  CHECK(api->post("/v1/bookings/" + early + "/cancel", "", {{"X-Manage-Token", early_token}})
            .status == 200);
  refunds = stripe.refunds();
  REQUIRE(refunds.size() == 2);
  CHECK(refunds[1].amount == 5000);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a customer's move inside the cutoff makes a later cancellation late") {
  const auto s = paid_setup(*this, "move-late", kLateRefundPolicy);
  const auto move = [&](const std::string& booking, const httplib::Headers& who, int days) {
    auto r = api->post("/v1/bookings/" + booking + "/reschedule",
                       R"({"start":")" + slot(days, 10) + "\"}", who);
    REQUIRE_MESSAGE(r.status == 200, r.body);
  };
  const auto cancel = [&](const std::string& booking, const std::string& token) {
    auto r = api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto refunds = stripe.refunds();
    REQUIRE(!refunds.empty());  // else back() is undefined
    // cppcheck-suppress containerOutOfBounds ; REQUIRE ends the test when empty
    return refunds.back().amount;
  };
  // Tomorrow's booking (inside the 48 h cutoff) moved by the customer to
  // next week, then cancelled a week ahead: still the late share.
  auto [late, late_token] = book_and_pay(*this, s, 1);
  move(late, {{"X-Manage-Token", late_token}}, 9);
  CHECK(cancel(late, late_token) == 2000);
  // Moved by the customer with notice to spare: the cancellation is early.
  auto [early, early_token] = book_and_pay(*this, s, 5);
  move(early, {{"X-Manage-Token", early_token}}, 10);
  CHECK(cancel(early, early_token) == 5000);
  // Moved by the owner at short notice: not the customer's late change.
  auto [owner, owner_token] = book_and_pay(*this, s, 1, 12);
  move(owner, bearer(s.token), 11);
  CHECK(cancel(owner, owner_token) == 5000);
  CHECK(stripe.refunds().size() == 3);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a policy changed after booking leaves the booking's refund as agreed") {
  const auto s = paid_setup(*this, "policy-later", kLateRefundPolicy);
  const auto set_policy = [&](const std::string& policy) {
    auto r = api->send("PATCH", "/v1/businesses/" + s.business, R"({"policy":{)" + policy + "}}",
                       bearer(s.token));
    REQUIRE_MESSAGE(r.status == 200, r.body);
  };
  // The refund (0: none), and the late share the cancel's reply shows as
  // the booking's terms.
  int shown_percent = -1;
  const auto cancel = [&](const std::string& booking, const std::string& token) {
    const std::size_t before = stripe.refunds().size();
    auto r = api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    REQUIRE_MESSAGE(r.json.HasMember("cancellation_terms"), r.body);
    shown_percent = r.json["cancellation_terms"]["late_cancellation_refund_percent"].GetInt();
    const auto refunds = stripe.refunds();
    return refunds.size() > before ? refunds.back().amount : 0;
  };
  // Booked under 48 h / 40 %: tomorrow's is late, the one in three days early.
  auto [late, late_token] = book_and_pay(*this, s, 1);
  auto [early, early_token] = book_and_pay(*this, s, 3);
  auto [loose, loose_token] = book_and_pay(*this, s, 1, 12);
  // Tightened: a week's cutoff and nothing back after it.
  set_policy(R"("free_cancellation_cutoff_minutes":10080,"late_cancellation_refund_percent":0)");
  CHECK(cancel(late, late_token) == 2000);  // the agreed 40 %, not 0
  CHECK(shown_percent == 40);
  CHECK(cancel(early, early_token) == 5000);  // early under the agreed 48 h
  // Loosened: everything back at any time.
  set_policy(R"("free_cancellation_cutoff_minutes":0,"late_cancellation_refund_percent":100)");
  CHECK(cancel(loose, loose_token) == 2000);  // still the agreed 40 %
  // A booking made now agrees to the new terms.
  auto [fresh, fresh_token] = book_and_pay(*this, s, 1, 14);
  CHECK(cancel(fresh, fresh_token) == 5000);
  CHECK(shown_percent == 100);
  CHECK(stripe.refunds().size() == 4);
}
