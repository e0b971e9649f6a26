// StripeClient (command-side/stripe_client.h) against the fake Stripe: the
// request shape, Idempotency-Keys, listing a charge's refunds page by page,
// amounts converted between SlotWise minor units and Stripe's for the
// currencies where they differ, Stripe's limits on a charge, and errors as
// values.
#include <doctest/doctest.h>
#include <httplib.h>

#include "command-side/stripe_client.h"
#include "tests/support/fake_stripe.h"

using slotwise::command::PaymentIntentRequest;
using slotwise::command::StripeClient;
using slotwise::command::StripeClientOptions;
using slotwise::command::StripeError;
using slotwise::testing::FakeStripe;

namespace {

StripeClient client_for(const FakeStripe& fake, const std::string& key) {
  StripeClientOptions o;
  o.api_base = fake.base_url() + "/";
  o.secret_key = key;
  o.timeout = std::chrono::milliseconds(5000);
  return StripeClient(o);
}

}  // namespace

TEST_CASE("payment intents: form fields, bearer key, idempotent by booking") {
  FakeStripe fake;
  const StripeClient client = client_for(fake, fake.secret_key());
  const PaymentIntentRequest req{"bkg_1", "biz_1", 2599, "GBP"};
  auto first = client.create_payment_intent(req);
  REQUIRE(first.ok());
  CHECK(first->client_secret.find("_secret_") != std::string::npos);
  CHECK(first->amount_minor == 2599);
  CHECK(first->currency == "gbp");
  CHECK(first->booking_id == "bkg_1");
  auto second = client.create_payment_intent(req);
  REQUIRE(second.ok());
  CHECK(second->id == first->id);
  auto fetched = client.retrieve_payment_intent(first->id);
  REQUIRE(fetched.ok());
  CHECK(fetched->client_secret == first->client_secret);
  const auto calls = fake.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].idempotency_key == "pi-bkg_1");
  CHECK(calls[0].form.at("metadata[booking_id]") == "bkg_1");
}

TEST_CASE("refunds carry a reason-derived Idempotency-Key") {
  FakeStripe fake;
  const StripeClient client = client_for(fake, fake.secret_key());
  auto pi = client.create_payment_intent({"bkg_2", "biz_1", 1000, "EUR"});
  REQUIRE(pi.ok());
  auto refund = client.create_refund(pi->id, 400, "EUR", "bkg_2", "cancellation");
  REQUIRE(refund.ok());
  CHECK(refund->amount_minor == 400);
  auto again = client.create_refund(pi->id, 400, "EUR", "bkg_2", "cancellation");
  REQUIRE(again.ok());
  CHECK(again->id == refund->id);
  CHECK(fake.refunds().size() == 1);
  CHECK(fake.calls().back().idempotency_key == "refund-bkg_2-cancellation");
}

TEST_CASE("a charge's refunds are listed through every page, with SlotWise's metadata") {
  FakeStripe fake;
  const StripeClient client = client_for(fake, fake.secret_key());
  auto pi = client.create_payment_intent({"bkg_5", "biz_1", 100000, "EUR"});
  auto other = client.create_payment_intent({"bkg_6", "biz_1", 1000, "EUR"});
  REQUIRE(pi.ok());
  REQUIRE(other.ok());
  auto ours = client.create_refund(pi->id, 700, "EUR", "bkg_5", "cancellation");
  REQUIRE(ours.ok());
  (void)fake.add_refund({"", other->id, 10, ""});  // another charge's
  // More than one page (Stripe's largest is 100) of dashboard refunds.
  for (int i = 0; i < 101; ++i) (void)fake.add_refund({"", pi->id, 1, ""});
  auto listed = client.list_refunds("ch_" + pi->id);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 102);
  // Newest first: the dashboard's, then SlotWise's own with its metadata.
  CHECK(listed->front().amount_minor == 1);
  CHECK(listed->front().reason.empty());
  CHECK(listed->back().id == ours->id);
  CHECK(listed->back().amount_minor == 700);
  CHECK(listed->back().status == "succeeded");
  CHECK(listed->back().booking_id == "bkg_5");
  CHECK(listed->back().reason == "cancellation");
  const auto calls = fake.calls();
  REQUIRE(calls.size() == 5);
  CHECK(calls[3].path == "/v1/refunds");
  CHECK(calls[3].form.at("charge") == "ch_" + pi->id);
  CHECK(calls[3].form.at("limit") == "100");
  CHECK(calls[4].form.at("starting_after") == (*listed)[99].id);

  auto malformed = client.list_refunds("ch_1&charge=ch_2");
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().code == StripeError::Code::kRejected);
  CHECK(fake.calls().size() == 5);
}

TEST_CASE("errors are values: wrong key, server errors, nobody listening") {
  FakeStripe fake;
  auto wrong = client_for(fake, "sk_wrong").create_payment_intent({"bkg_3", "biz", 100, "EUR"});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == StripeError::Code::kRejected);
  CHECK(wrong.error().http_status == 401);
  CHECK(wrong.error().message.find("Invalid API Key") != std::string::npos);

  fake.fail_next(1, 503);
  auto down =
      client_for(fake, fake.secret_key()).create_payment_intent({"bkg_3", "biz", 100, "EUR"});
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().code == StripeError::Code::kUnavailable);

  StripeClientOptions o;
  o.api_base = "http://127.0.0.1:1";
  o.secret_key = "sk";
  auto refused = StripeClient(o).create_payment_intent({"bkg_3", "biz", 100, "EUR"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == StripeError::Code::kUnavailable);
}

TEST_CASE("ISK and MGA amounts are converted both ways; callers see SlotWise units") {
  FakeStripe fake;
  const StripeClient client = client_for(fake, fake.secret_key());
  auto isk = client.create_payment_intent({"bkg_7", "biz_1", 5000, "ISK"});  // 5000 kr.
  REQUIRE_MESSAGE(isk.ok(), isk.error().message);
  CHECK(fake.calls().back().form.at("amount") == "500000");
  CHECK(fake.intent_for_booking("bkg_7")->amount == 500000);
  CHECK(isk->amount_minor == 5000);
  auto refund = client.create_refund(isk->id, 1200, "ISK", "bkg_7", "cancellation");
  REQUIRE_MESSAGE(refund.ok(), refund.error().message);
  CHECK(fake.calls().back().form.at("amount") == "120000");
  CHECK(refund->amount_minor == 1200);
  auto listed = client.list_intent_refunds(isk->id);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().amount_minor == 1200);
  auto fetched = client.retrieve_payment_intent(isk->id);
  REQUIRE(fetched.ok());
  CHECK(fetched->amount_minor == 5000);

  // 5000.00 ariary: whole ariary at Stripe.
  auto mga = client.create_payment_intent({"bkg_8", "biz_1", 500000, "MGA"});
  REQUIRE(mga.ok());
  CHECK(fake.calls().back().form.at("amount") == "5000");
  CHECK(mga->amount_minor == 500000);
}

TEST_CASE("an amount Stripe cannot take is refused before anything is sent") {
  FakeStripe fake;
  const StripeClient client = client_for(fake, fake.secret_key());
  auto kwd = client.create_payment_intent({"bkg_9", "biz_1", 12345, "KWD"});
  REQUIRE_FALSE(kwd.ok());
  CHECK(kwd.error().code == StripeError::Code::kRejected);
  CHECK(kwd.error().http_status == 0);
  CHECK(kwd.error().message.find("multiples of 10") != std::string::npos);
  CHECK(fake.calls().empty());
  auto paid = client.create_payment_intent({"bkg_9", "biz_1", 12340, "KWD"});
  REQUIRE(paid.ok());
  CHECK(fake.calls().back().form.at("amount") == "12340");
  auto refund = client.create_refund(paid->id, 4072, "KWD", "bkg_9", "cancellation");
  REQUIRE_FALSE(refund.ok());
  CHECK(refund.error().code == StripeError::Code::kRejected);
  CHECK(fake.calls().size() == 1);
}

TEST_CASE("a charge outside Stripe's limits is refused before anything is sent; a refund is not") {
  FakeStripe fake;
  const StripeClient client = client_for(fake, fake.secret_key());
  for (const PaymentIntentRequest& req :
       {PaymentIntentRequest{"bkg_10", "biz_1", 20, "EUR"},         // below 0.50 EUR
        PaymentIntentRequest{"bkg_11", "biz_1", 1'000'000, "ISK"},  // Stripe's 100000000
        PaymentIntentRequest{"bkg_12", "biz_1", 5000, "KPW"}}) {    // not a Stripe currency
    CAPTURE(req.currency);
    auto refused = client.create_payment_intent(req);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == StripeError::Code::kRejected);
    CHECK(refused.error().http_status == 0);
  }
  CHECK(fake.calls().empty());
  // A refund of less than the minimum charge is one Stripe makes.
  auto paid = client.create_payment_intent({"bkg_13", "biz_1", 5000, "EUR"});
  REQUIRE(paid.ok());
  auto refund = client.create_refund(paid->id, 20, "EUR", "bkg_13", "cancellation");
  REQUIRE_MESSAGE(refund.ok(), refund.error().message);
  CHECK(fake.calls().back().form.at("amount") == "20");
}

TEST_CASE("the fake Stripe refuses what Stripe refuses, in Stripe's error shape") {
  FakeStripe fake;
  httplib::Client http(fake.base_url());
  const httplib::Headers auth{{"Authorization", "Bearer " + fake.secret_key()}};
  const auto create = [&](const std::string& amount, const std::string& currency) {
    return http.Post("/v1/payment_intents", auth,
                     httplib::Params{{"amount", amount},
                                     {"currency", currency},
                                     {"automatic_payment_methods[enabled]", "true"}});
  };
  using Cases = std::vector<std::pair<std::string, std::string>>;  // {amount, currency}
  for (const auto& c : Cases{{"5050", "isk"}, {"5001", "ugx"}, {"12345", "kwd"}, {"1", "bhd"}}) {
    CAPTURE(c.second);
    auto r = create(c.first, c.second);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.find(R"("type":"invalid_request_error")") != std::string::npos);
    CHECK(r->body.find(R"("param":"amount")") != std::string::npos);
  }
  for (const auto& c :
       Cases{{"500000", "isk"}, {"12340", "kwd"}, {"5001", "jpy"}, {"5001", "eur"}}) {
    CAPTURE(c.second);
    auto r = create(c.first, c.second);
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  // Stripe's minimum charge and maximum digits, and its currencies.
  for (const auto& c : Cases{{"49", "eur"}, {"29", "gbp"}, {"49", "jpy"}, {"17499", "huf"}}) {
    CAPTURE(c.second);
    auto r = create(c.first, c.second);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.find(R"("code":"amount_too_small")") != std::string::npos);
  }
  for (const auto& c : Cases{{"100000000", "eur"},
                             {"100000000", "isk"},
                             {"1000000000", "inr"},
                             {"1000000000000", "idr"}}) {
    CAPTURE(c.second);
    auto r = create(c.first, c.second);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.find(R"("code":"amount_too_large")") != std::string::npos);
  }
  for (const std::string currency : {"kpw", "irr", "syp", "iqd", "stn"}) {
    CAPTURE(currency);
    auto r = create("5000", currency);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.find(R"("param":"currency")") != std::string::npos);
  }
  for (const auto& c : Cases{{"50", "eur"},
                             {"30", "gbp"},
                             {"99999999", "eur"},
                             {"100", "isk"},
                             {"999999999", "inr"},
                             {"999999999999", "idr"},
                             {"1", "clp"}}) {
    CAPTURE(c.second);
    auto r = create(c.first, c.second);
    REQUIRE(r);
    CHECK(r->status == 200);
  }
}
