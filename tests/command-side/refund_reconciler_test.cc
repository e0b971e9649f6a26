// A cancellation whose refund failed (Stripe down, the process stopped
// between the two steps) is refunded by the refund reconciler without the
// client repeating the cancel: retried with backoff while the process runs,
// found in the log by the next process to start. Bookings refunded already,
// or never paid, cost no Stripe call.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/command-side/payment_test_support.h"

using slotwise::testing::book;
using slotwise::testing::book_and_pay;
using slotwise::testing::cancel_as_customer;
using slotwise::testing::CommandFixture;
using slotwise::testing::eventually;
using slotwise::testing::paid_setup;
using slotwise::testing::payment_events;

namespace {

// Calls to Stripe's Refunds API, failed ones included: each refund is
// preceded by a list of the intent's refunds (GET /v1/refunds).
std::size_t refund_calls(const CommandFixture& f) {
  std::size_t n = 0;
  for (const auto& call : f.stripe.calls()) n += call.path == "/v1/refunds" ? 1 : 0;
  return n;
}

bool reconciler_idle(CommandFixture& f) {
  const auto* r = f.server->refund_reconciler();
  return r != nullptr && r->scanned() && r->pending() == 0;
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "a failed refund is made later without a repeated cancel") {
  const auto s = paid_setup(*this, "retry-alone");
  auto [booking, token] = book_and_pay(*this, s, 5);
  // Down for the cancel's own call and the reconciler's first two tries.
  stripe.fail_next(3);
  CHECK(cancel_as_customer(*this, booking, token) == 503);
  CHECK(stripe.refunds().empty());
  CHECK(server->refund_reconciler()->pending() == 1);
  // Each step passes the longest wait the retries can have reached.
  for (int i = 0; i < 100 && stripe.refunds().empty(); ++i) {
    advance(std::chrono::minutes(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(stripe.refunds().size() == 1);
  CHECK(stripe.refunds()[0].amount == 5000);
  CHECK(stripe.refunds()[0].reason == "cancellation");
  // The lists of the cancel and of two retries failed; the third retry
  // listed and refunded.
  CHECK(refund_calls(*this) == 5);
  CHECK(eventually([&] { return reconciler_idle(*this); }));
  CHECK(payment_events(*this, booking) == "PaymentIntentCreated PaymentSucceeded PaymentRefunded");
  // The client repeating the cancel afterwards refunds nothing more.
  CHECK(cancel_as_customer(*this, booking, token) == 200);
  CHECK(stripe.refunds().size() == 1);
}

TEST_CASE_FIXTURE(CommandFixture, "the next process to start makes a refund a stopped one left") {
  const auto s = paid_setup(*this, "retry-restart",
                            R"("free_cancellation_cutoff_minutes":2880,)"
                            R"("late_cancellation_refund_percent":40)");
  auto [late, late_token] = book_and_pay(*this, s, 1);
  auto [done, done_token] = book_and_pay(*this, s, 5);
  auto [kept, kept_token] = book_and_pay(*this, s, 6);
  (void)kept_token;
  auto unpaid = book(*this, s, slot(7, 10));
  REQUIRE(unpaid.status == 201);
  CHECK(cancel_as_customer(*this, done, done_token) == 200);
  CHECK(cancel_as_customer(*this, unpaid.str("booking_id"), unpaid.str("manage_token")) == 200);
  stripe.fail_next(1);
  CHECK(cancel_as_customer(*this, late, late_token) == 503);  // a late customer cancellation: 40 %
  const std::size_t calls_before = refund_calls(*this);
  // Stopped before its retry was due: nothing but the log remembers.
  stop_server();
  CHECK(refund_calls(*this) == calls_before);
  start_server();
  REQUIRE(eventually([&] { return stripe.refunds().size() == 2; }));
  CHECK(stripe.refunds()[1].amount == 2000);
  CHECK(eventually([&] { return reconciler_idle(*this); }));
  // Only the booking that needed it cost calls (its list and its refund):
  // not the refunded one, the unpaid one or the paid booking that is not
  // cancelled.
  CHECK(refund_calls(*this) == calls_before + 2);
  CHECK(payment_events(*this, kept) == "PaymentIntentCreated PaymentSucceeded");
}

TEST_CASE("without payments or with refund_retry off, no reconciler runs") {
  CommandFixture off([](slotwise::command::CommandConfig& c) { c.refund_retry = false; });
  CHECK(off.server->refund_reconciler() == nullptr);
  CommandFixture unpaid(
      [](slotwise::command::CommandConfig& c) { c.stripe_secret_key_file.clear(); });
  CHECK(unpaid.server->refund_reconciler() == nullptr);
}
