// A refund Stripe reported failed (PaymentRefundFailed: the money went back
// to the business's Stripe balance, docs/adr/0008-payments.md) sends the
// business owner one email (kind owner_refund_failed, id
// <booking>.owner_refund_failed.<refund id>) naming the booking, the amount,
// Stripe's reason and what to do; also when the booking was cancelled, and
// a later cancellation does not withdraw it. The same failure logged again,
// or the whole log planned again, sends nothing more; each failed refund of
// a booking has its own email; a refund that succeeded sends none; a
// replay after the retention deleted the sent notice does not send it again.
#include <doctest/doctest.h>

#include "domain/payment.h"
#include "notifier/notifier_admin.h"
#include "notifier/outbox_retention.h"
#include "tests/notifier/mail_text.h"
#include "tests/notifier/notifier_fixture.h"

namespace slotwise::testing {
namespace {

// Tuesday 4 June 2030, 08:00 UTC: 10:00 in Paris.
constexpr std::int64_t kStart = 1'906'790'400;

v1::PaymentSucceeded paid(const std::string& biz, const std::string& bkg) {
  v1::PaymentSucceeded e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_payment_intent_id("pi_" + bkg);
  e.mutable_amount()->set_amount_minor(5000);
  e.mutable_amount()->set_currency("EUR");
  e.set_provider_event_id("evt_paid_" + bkg);
  return e;
}

// A refund event of type `Refund` (PaymentRefunded, PaymentRefundFailed):
// the fields both carry.
template <class Refund>
Refund refund_event(const std::string& biz, const std::string& bkg, const std::string& refund_id,
                    std::int64_t amount, const std::string& reason) {
  Refund e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_payment_intent_id("pi_" + bkg);
  e.set_refund_id(refund_id);
  e.mutable_amount()->set_amount_minor(amount);
  e.mutable_amount()->set_currency("EUR");
  e.set_reason(reason);
  return e;
}

v1::PaymentRefunded refunded(const std::string& biz, const std::string& bkg,
                             const std::string& refund_id, std::int64_t amount,
                             const std::string& reason) {
  return refund_event<v1::PaymentRefunded>(biz, bkg, refund_id, amount, reason);
}

v1::PaymentRefundFailed refund_failed(const std::string& biz, const std::string& bkg,
                                      const std::string& refund_id, std::int64_t amount,
                                      const std::string& reason) {
  auto e = refund_event<v1::PaymentRefundFailed>(biz, bkg, refund_id, amount, reason);
  e.set_status("failed");
  e.set_failure_reason("expired_or_canceled_card");
  e.set_provider_event_id("evt_failed_" + refund_id);
  return e;
}

std::uint64_t pay(NotifierFixture& f, const v1::PaymentSucceeded& e) {
  return f.append<domain::PaymentEvent>("payment", e.booking_id(), {e},
                                        v1::ACTOR_KIND_PAYMENT_PROVIDER);
}
std::uint64_t log_refund(NotifierFixture& f, const v1::PaymentRefunded& e) {
  return f.append<domain::PaymentEvent>("payment", e.booking_id(), {e}, v1::ACTOR_KIND_SYSTEM);
}
std::uint64_t log_failure(NotifierFixture& f, const v1::PaymentRefundFailed& e) {
  return f.append<domain::PaymentEvent>("payment", e.booking_id(), {e},
                                        v1::ACTOR_KIND_PAYMENT_PROVIDER);
}

std::vector<ReceivedMail> of_kind(const FakeSmtpServer& smtp, const std::string& kind) {
  std::vector<ReceivedMail> out;
  for (const auto& m : smtp.messages()) {
    if (m.message_id().find("." + kind + ".") != std::string::npos) out.push_back(m);
  }
  return out;
}

// Lets anything the senders might still send arrive.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(700)); }

}  // namespace

TEST_CASE_FIXTURE(
    NotifierFixture,
    "a failed refund of a cancelled booking sends the owner one email, also on replay") {
  business("biz_rf");
  confirmed_booking("biz_rf", "bkg_rf1", kStart, "ann@example.com");
  pay(*this, paid("biz_rf", "bkg_rf1"));
  append<domain::CalendarEvent>("calendar", "biz_rf", {cancelled("biz_rf", "bkg_rf1")});
  log_refund(*this, refunded("biz_rf", "bkg_rf1", "re_1", 5000, "cancellation"));
  const auto failure = refund_failed("biz_rf", "bkg_rf1", "re_1", 5000, "cancellation");
  log_failure(*this, failure);
  {
    RunningNotifier n(*store, settings(), clock());
    REQUIRE(n.wait_planned(last_position()));
    REQUIRE(eventually_sql(*this,
                           "SELECT count(*) FROM notifications WHERE kind = 'owner_refund_failed'"
                           " AND status = 'sent'",
                           1));
    settle();
  }
  auto mails = of_kind(smtp, "owner_refund_failed");
  REQUIRE(mails.size() == 1);
  const ReceivedMail& m = mails[0];
  CHECK(m.message_id() == "<bkg_rf1.owner_refund_failed.re_1@slotwise.localhost>");
  CHECK(m.to == std::vector<std::string>{"owner-biz_rf@example.com"});
  CHECK(m.header("Subject").find("Refund failed") != std::string::npos);
  const std::string text = text_part(m);
  INFO(text);
  CHECK(text.find("Customer ann@example.com <ann@example.com>") != std::string::npos);
  CHECK(text.find("Service svc_biz_rf") != std::string::npos);
  CHECK(text.find("Tuesday 04 June 2030, 10:00 (Europe/Paris)") != std::string::npos);
  CHECK(text.find("Amount: 50.00 EUR") != std::string::npos);
  CHECK(text.find("expired_or_canceled_card") != std::string::npos);
  CHECK(text.find("Refunded for: cancellation") != std::string::npos);
  CHECK(text.find("pay the customer back another way") != std::string::npos);
  CHECK(text.find("re_1") != std::string::npos);
  CHECK(sql("SELECT count(*) FROM notifications WHERE id = 'bkg_rf1.owner_refund_failed.re_1'"
            " AND booking_id = 'bkg_rf1' AND business_id = 'biz_rf'") == 1);
  const std::size_t before = smtp.count();

  // The same failure logged again (another Stripe event type reporting it
  // before the payment aggregate deduplicated, a writer's retry): no second
  // email.
  log_failure(*this, failure);
  // Then the notifier plans the whole log again from the start (its
  // checkpoint lost, as after restoring an old backup of its tables).
  pqxx::connection c(db);
  {
    pqxx::work tx(c);
    tx.exec0("UPDATE notifier_checkpoints SET position = 0");
    tx.commit();
  }
  RunningNotifier again(*store, settings(), clock());
  REQUIRE(again.wait_planned(last_position()));
  settle();
  CHECK(of_kind(smtp, "owner_refund_failed").size() == 1);
  CHECK(smtp.count() == before);
  CHECK(sql("SELECT count(*) FROM notifications WHERE kind = 'owner_refund_failed'") == 1);
}

TEST_CASE_FIXTURE(NotifierFixture,
                  "each failed refund has its own email, and a later cancellation keeps it") {
  smtp.go_down();
  business("biz_rm");
  confirmed_booking("biz_rm", "bkg_rm1", kStart, "bo@example.com");
  pay(*this, paid("biz_rm", "bkg_rm1"));
  // A goodwill refund made in the dashboard fails while the booking stands.
  log_refund(*this, refunded("biz_rm", "bkg_rm1", "re_goodwill", 1500, "provider"));
  log_failure(*this, refund_failed("biz_rm", "bkg_rm1", "re_goodwill", 1500, "provider"));
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(n.wait_planned(last_position()));
  // Still waiting (SMTP down) when the booking is cancelled: the
  // cancellation withdraws the confirmation, never the refund notice.
  append<domain::CalendarEvent>("calendar", "biz_rm", {cancelled("biz_rm", "bkg_rm1")});
  log_refund(*this, refunded("biz_rm", "bkg_rm1", "re_cancel", 3500, "cancellation"));
  log_failure(*this, refund_failed("biz_rm", "bkg_rm1", "re_cancel", 3500, "cancellation"));
  REQUIRE(n.wait_planned(last_position()));
  smtp.come_up();
  REQUIRE(eventually_sql(*this,
                         "SELECT count(*) FROM notifications WHERE kind = 'owner_refund_failed'"
                         " AND status = 'sent'",
                         2));
  settle();
  const auto by_id = smtp.count_by_message_id();
  CHECK(by_id.at("<bkg_rm1.owner_refund_failed.re_goodwill@slotwise.localhost>") == 1);
  CHECK(by_id.at("<bkg_rm1.owner_refund_failed.re_cancel@slotwise.localhost>") == 1);
  CHECK(of_kind(smtp, "owner_refund_failed").size() == 2);
  for (const auto& m : of_kind(smtp, "owner_refund_failed")) {
    const bool goodwill = m.message_id().find("re_goodwill") != std::string::npos;
    CHECK(text_part(m).find(goodwill ? "Amount: 15.00 EUR" : "Amount: 35.00 EUR") !=
          std::string::npos);
  }
  CHECK(sql("SELECT count(*) FROM notifications WHERE kind = 'owner_new_booking'"
            " AND status = 'cancelled' AND last_error = 'superseded'") == 1);
}

TEST_CASE_FIXTURE(NotifierFixture,
                  "a failed refund's email deleted by the retention is not sent again on replay") {
  business("biz_rp");
  confirmed_booking("biz_rp", "bkg_rp1", kStart, "di@example.com");
  pay(*this, paid("biz_rp", "bkg_rp1"));
  append<domain::CalendarEvent>("calendar", "biz_rp", {cancelled("biz_rp", "bkg_rp1")});
  log_refund(*this, refunded("biz_rp", "bkg_rp1", "re_p", 5000, "cancellation"));
  log_failure(*this, refund_failed("biz_rp", "bkg_rp1", "re_p", 5000, "cancellation"));
  {
    RunningNotifier n(*store, settings(), clock());
    REQUIRE(n.wait_planned(last_position()));
    REQUIRE(eventually_sql(*this,
                           "SELECT count(*) FROM notifications WHERE kind = 'owner_refund_failed'"
                           " AND status = 'sent'",
                           1));
    settle();
  }
  const std::size_t mails = smtp.count();
  REQUIRE(of_kind(smtp, "owner_refund_failed").size() == 1);
  // The retention deletes every done row (here after 1 ms instead of 90
  // days), then the log is planned again from the start (slotwise notifier
  // replay): the outbox no longer holds the notice's id.
  pqxx::connection c(db);
  auto pruned = notifier::prune_outbox(c, std::chrono::milliseconds(1));
  REQUIRE(pruned);
  CHECK(pruned.value() > 0);
  REQUIRE(sql("SELECT count(*) FROM notifications WHERE kind = 'owner_refund_failed'") == 0);
  const std::int64_t rows = sql("SELECT count(*) FROM notifications");  // reminders due in 2030
  REQUIRE(notifier::replay_notifier(c, "notifier-test", 1));
  RunningNotifier again(*store, settings(), clock());
  REQUIRE(again.wait_planned(last_position()));
  CHECK_FALSE(smtp.wait_for(mails + 1, std::chrono::seconds(3)));
  CHECK(of_kind(smtp, "owner_refund_failed").size() == 1);
  CHECK(sql("SELECT count(*) FROM notifications") == rows);
}

TEST_CASE_FIXTURE(NotifierFixture, "a refund that succeeded sends the owner no refund email") {
  business("biz_ro");
  confirmed_booking("biz_ro", "bkg_ro1", kStart, "cy@example.com");
  pay(*this, paid("biz_ro", "bkg_ro1"));
  append<domain::CalendarEvent>("calendar", "biz_ro", {cancelled("biz_ro", "bkg_ro1")});
  log_refund(*this, refunded("biz_ro", "bkg_ro1", "re_ok", 5000, "cancellation"));
  // A failure naming another business than the booking's is not believed.
  log_failure(*this, refund_failed("biz_other", "bkg_ro1", "re_ok", 5000, "cancellation"));
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(n.wait_planned(last_position()));
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));  // the two cancellation notices
  settle();
  CHECK(of_kind(smtp, "owner_refund_failed").empty());
  CHECK(sql("SELECT count(*) FROM notifications WHERE kind = 'owner_refund_failed'") == 0);
  CHECK(sql("SELECT count(*) FROM notifier_dead_letters") == 0);
}

}  // namespace slotwise::testing
