// A booking's refunds are in its history: PaymentRefunded and
// PaymentRefundFailed (a refund Stripe reported failed, which the owner
// has to return by other means, docs/adr/0008-payments.md) become
// booking_history rows of their booking, in log order with its calendar
// events; the booking row itself does not change. The payment's other
// events, and refunds of bookings the read model does not have, leave no
// rows.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "domain/payment.h"
#include "tests/read_side/read_side_fixture.h"

namespace slotwise::testing {
namespace {

v1::PaymentRefunded refunded(const std::string& biz, const std::string& bkg,
                             const std::string& refund_id) {
  v1::PaymentRefunded e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_payment_intent_id("pi_" + bkg);
  e.set_refund_id(refund_id);
  e.mutable_amount()->set_amount_minor(5000);
  e.mutable_amount()->set_currency("EUR");
  e.set_reason("cancellation");
  return e;
}

v1::PaymentRefundFailed refund_failed(const std::string& biz, const std::string& bkg,
                                      const std::string& refund_id) {
  v1::PaymentRefundFailed e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_payment_intent_id("pi_" + bkg);
  e.set_refund_id(refund_id);
  e.mutable_amount()->set_amount_minor(5000);
  e.mutable_amount()->set_currency("EUR");
  e.set_reason("cancellation");
  e.set_status("failed");
  e.set_failure_reason("expired_or_canceled_card");
  e.set_provider_event_id("evt_1");
  return e;
}

}  // namespace

TEST_CASE_FIXTURE(ReadSideFixture, "refunds and failed refunds are in their booking's history") {
  const std::string db = create_database("rm");
  append<domain::BusinessEvent>(
      "business", "biz_r",
      {business_created("biz_r", "refund-r", "usr_r", "UTC", policy(15, 0, 30, 0))});
  auto created =
      booking_created("biz_r", "bkg_r", "svc_r", 1'900'000'000, 60, "UTC", "a@example.com", 5000);
  auto& fields = std::get<v1::BookingTentativelyCreated>(created);
  fields.set_manage_token_sha256(std::string(64, 'a'));
  fields.set_idempotency_key("key-r");
  fields.set_request_sha256(std::string(64, 'b'));
  append<domain::CalendarEvent>("calendar", "biz_r", {created});
  v1::PaymentSucceeded paid;
  paid.set_booking_id("bkg_r");
  paid.set_business_id("biz_r");
  append<domain::PaymentEvent>("payment", "bkg_r", {paid}, v1::ACTOR_KIND_PAYMENT_PROVIDER);
  append<domain::PaymentEvent>("payment", "bkg_r", {refunded("biz_r", "bkg_r", "re_1")},
                               v1::ACTOR_KIND_SYSTEM);
  const std::uint64_t cancel_at =
      append<domain::CalendarEvent>("calendar", "biz_r", {cancelled("biz_r", "bkg_r")});
  append<domain::PaymentEvent>("payment", "bkg_r", {refund_failed("biz_r", "bkg_r", "re_1")},
                               v1::ACTOR_KIND_PAYMENT_PROVIDER);
  // A booking the read model does not have, and one of another business.
  append<domain::PaymentEvent>("payment", "bkg_gone", {refund_failed("biz_r", "bkg_gone", "re_2")},
                               v1::ACTOR_KIND_PAYMENT_PROVIDER);
  append<domain::PaymentEvent>("payment", "bkg_r", {refund_failed("biz_other", "bkg_r", "re_3")},
                               v1::ACTOR_KIND_PAYMENT_PROVIDER);

  RunningProjector p(*store, db, "projector-refunds");
  REQUIRE(p.wait_for(last_position()));

  pqxx::connection c(db);
  pqxx::read_transaction tx(c);
  const auto rows = tx.exec(
      "SELECT event_type, actor_kind, detail->>'failure_reason', detail->>'refund_id'"
      " FROM booking_history WHERE booking_id = 'bkg_r' ORDER BY seq, event_index");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0][0].as<std::string>() == "BookingTentativelyCreated");
  // Its detail keeps none of what no history shows (history_fields.h).
  CHECK(
      count(
          db,
          "SELECT count(*) FROM booking_history WHERE booking_id = 'bkg_r' AND"
          " detail::jsonb ?| array['manage_token_sha256', 'idempotency_key', 'request_sha256']") ==
      0);
  CHECK(count(db,
              "SELECT count(*) FROM booking_history WHERE booking_id = 'bkg_r' AND"
              " detail->>'booking_id' = 'bkg_r'") == 4);
  CHECK(rows[1][0].as<std::string>() == "PaymentRefunded");
  CHECK(rows[1][1].as<std::string>() == "system");
  CHECK(rows[1][3].as<std::string>() == "re_1");
  CHECK(rows[2][0].as<std::string>() == "BookingCancelled");
  CHECK(rows[3][0].as<std::string>() == "PaymentRefundFailed");
  CHECK(rows[3][1].as<std::string>() == "payment_provider");
  CHECK(rows[3][2].as<std::string>() == "expired_or_canceled_card");
  CHECK(count(db, "SELECT count(*) FROM booking_history WHERE booking_id <> 'bkg_r'") == 0);
  // The row is the calendar's: the refunds did not touch it.
  const auto booking = tx.exec1("SELECT status, version FROM bookings WHERE booking_id = 'bkg_r'");
  CHECK(booking[0].as<std::string>() == "cancelled");
  CHECK(booking[1].as<std::uint64_t>() == cancel_at);
  CHECK(count(db, "SELECT count(*) FROM dead_letters") == 0);
}

}  // namespace slotwise::testing
