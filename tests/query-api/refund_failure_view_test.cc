// GET /v1/bookings/{id} shows a refund Stripe reported failed
// (PaymentRefundFailed) to both readers, but Stripe's failure_reason, its
// verdict on the customer's card, only to the business's owner: the
// customer holding the manage token sees the failed refund (status, amount,
// refund id) without it, and nothing else of the answer differs
// (docs/adr/0008-payments.md). Over the real log, projector and API.
#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "domain/payment.h"
#include "tests/query-api/query_scenario.h"

namespace slotwise::testing {
namespace {

template <class Refund>
Refund refund_event(const std::string& refund_id) {
  Refund e;
  e.set_booking_id("bkg_100");
  e.set_business_id("biz_a");
  e.set_payment_intent_id("pi_100");
  e.set_refund_id(refund_id);
  e.mutable_amount()->set_amount_minor(4500);
  e.mutable_amount()->set_currency("EUR");
  e.set_reason("cancellation");
  return e;
}

// bkg_100 (build_scenario) paid, refunded, and the refund reported failed
// because the card was reported lost or stolen.
void log_failed_refund(QueryFixture& f) {
  v1::PaymentSucceeded paid;
  paid.set_booking_id("bkg_100");
  paid.set_business_id("biz_a");
  paid.set_payment_intent_id("pi_100");
  f.append<domain::PaymentEvent>("payment", "bkg_100", {paid}, v1::ACTOR_KIND_PAYMENT_PROVIDER);
  f.append<domain::PaymentEvent>(
      "payment", "bkg_100", {refund_event<v1::PaymentRefunded>("re_100")}, v1::ACTOR_KIND_SYSTEM);
  auto failed = refund_event<v1::PaymentRefundFailed>("re_100");
  failed.set_status("failed");
  failed.set_failure_reason("lost_or_stolen_card");
  failed.set_provider_event_id("evt_100");
  f.append<domain::PaymentEvent>("payment", "bkg_100", {failed}, v1::ACTOR_KIND_PAYMENT_PROVIDER);
  f.sync();
}

// The history row of type `type` (exactly one).
const rapidjson::Value& row_of(const rapidjson::Document& booking, const std::string& type) {
  const rapidjson::Value* found = nullptr;
  for (const auto& h : booking["history"].GetArray()) {
    if (type != h["type"].GetString()) continue;
    REQUIRE(found == nullptr);
    found = &h;
  }
  REQUIRE(found != nullptr);
  return *found;
}

std::string text(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture,
                  "a failed refund's reason is shown to the owner, not the customer") {
  const Scenario s = build_scenario(*this);
  log_failed_refund(*this);
  const std::string path = "/v1/bookings/bkg_100";

  auto owner = json(get_as("usr_a", path));
  const rapidjson::Value& owners_row = row_of(owner, "PaymentRefundFailed");
  CHECK(std::string(owners_row["detail"]["failure_reason"].GetString()) == "lost_or_stolen_card");
  CHECK(std::string(owners_row["detail"]["status"].GetString()) == "failed");

  const auto as_customer = get(path + "?manage_token=" + s.token.token);
  REQUIRE(as_customer);
  REQUIRE(as_customer->status == 200);
  CHECK(as_customer->body.find("lost_or_stolen_card") == std::string::npos);
  auto customer = json(as_customer);
  const rapidjson::Value& customers_row = row_of(customer, "PaymentRefundFailed");
  CHECK_FALSE(customers_row["detail"].HasMember("failure_reason"));
  // The customer still learns that the refund failed, which one and of what.
  CHECK(std::string(customers_row["detail"]["status"].GetString()) == "failed");
  CHECK(std::string(customers_row["detail"]["refund_id"].GetString()) == "re_100");
  CHECK(customers_row["detail"]["amount"]["amount_minor"].GetInt64() == 4500);
  CHECK(std::string(row_of(customer, "PaymentRefunded")["type"].GetString()) == "PaymentRefunded");

  // Apart from that one field the two answers are the same.
  for (auto& h : owner["history"].GetArray()) {
    if (std::string(h["type"].GetString()) == "PaymentRefundFailed") {
      h["detail"].RemoveMember("failure_reason");
    }
  }
  CHECK(text(owner) == text(customer));

  // The header form of the token is the customer too.
  CHECK(get(path, {{"X-Manage-Token", s.token.token}})->body == as_customer->body);
  // The owner's token beside the manage token: the owner's view; another
  // owner's token beside it: the customer's.
  const auto both = get(path + "?manage_token=" + s.token.token,
                        {{"Authorization", "Bearer " + token_for("usr_a")}});
  REQUIRE(both);
  CHECK(both->body.find("lost_or_stolen_card") != std::string::npos);
  const auto stranger = get(path + "?manage_token=" + s.token.token,
                            {{"Authorization", "Bearer " + token_for("usr_b")}});
  REQUIRE(stranger);
  CHECK(stranger->status == 200);
  CHECK(stranger->body == as_customer->body);
}

}  // namespace slotwise::testing
