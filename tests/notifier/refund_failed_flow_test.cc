// The failed-refund email end to end: the real command side cancels a paid
// booking and refunds it at the fake Stripe, Stripe reports the refund
// failed (charge.refund.updated, delivered twice, then refund.failed), and
// the notifier over the same log emails the business owner exactly once; a
// booking whose cancellation refund succeeded gets no such email.
#include <doctest/doctest.h>

#include "tests/command-side/payment_test_support.h"
#include "tests/notifier/mail_text.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {
TEST_CASE_FIXTURE(CommandFixture,
                  "a cancellation refund Stripe reports failed emails the owner once") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  RunningNotifier notifier(*reader, notifier_settings(nats.url(), db, smtp.url()));

  const auto s = paid_setup(*this, "refund-mail");
  auto [failing, failing_token] = book_and_pay(*this, s, 3);
  (void)failing_token;
  auto [fine, fine_token] = book_and_pay(*this, s, 4);
  REQUIRE(api->post("/v1/bookings/" + failing + "/cancel", "", bearer(s.token)).status == 200);
  (void)fine_token;
  REQUIRE(api->post("/v1/bookings/" + fine + "/cancel", "", bearer(s.token)).status == 200);
  REQUIRE(stripe.refunds().size() == 2);
  const auto refund = stripe.refunds()[0];
  REQUIRE(refund.payment_intent == stripe.intent_for_booking(failing)->id);

  const auto failed = stripe.fail_refund(refund.id);
  const std::string updated = FakeStripe::refund_event("evt_rm1", "charge.refund.updated", failed);
  REQUIRE(deliver_webhook(updated) == 200);
  REQUIRE(deliver_webhook(updated) == 200);
  REQUIRE(deliver_webhook(FakeStripe::refund_event("evt_rm2", "refund.failed", failed)) == 200);
  REQUIRE(payment_events(*this, failing) ==
          "PaymentIntentCreated PaymentSucceeded PaymentRefunded PaymentRefundFailed");

  REQUIRE(notifier.wait_planned(last_sequence()));
  const std::string id = failing + ".owner_refund_failed." + refund.id;
  REQUIRE(eventually(
      [&] {
        return count(db, "SELECT count(*) FROM notifications WHERE id = '" + id +
                             "' AND status = 'sent'") == 1;
      },
      std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  CHECK(count_of(smtp, ".owner_refund_failed.") == 1);
  const auto by_id = smtp.count_by_message_id();
  REQUIRE(by_id.contains("<" + id + "@slotwise.localhost>"));
  CHECK(by_id.at("<" + id + "@slotwise.localhost>") == 1);
  for (const auto& m : smtp.messages()) {
    if (m.message_id().find(".owner_refund_failed.") == std::string::npos) continue;
    CHECK(m.to == std::vector<std::string>{"refund-mail@example.com"});
    const std::string text = text_part(m);
    INFO(text);
    CHECK(text.find("Amount: 50.00 EUR") != std::string::npos);
    CHECK(text.find("Client <client@example.com>") != std::string::npos);
    CHECK(text.find("(UTC)") != std::string::npos);  // the business's zone
    CHECK(text.find("Refunded for: cancellation") != std::string::npos);
    CHECK(text.find("failed, expired_or_canceled_card") != std::string::npos);
    CHECK(text.find("Stripe refund: " + refund.id) != std::string::npos);
  }
  // The booking whose refund went through: its cancellation notices only.
  CHECK(count(db, "SELECT count(*) FROM notifications WHERE booking_id = '" + fine +
                      "' AND kind = 'owner_refund_failed'") == 0);
  CHECK(count(db, "SELECT count(*) FROM notifications WHERE kind = 'owner_refund_failed'") == 1);
}

}  // namespace slotwise::testing
