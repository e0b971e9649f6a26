// Stripe's limits on a charge (domain/stripe_amount.h), end to end against
// the fake Stripe, which enforces them with its own tables: a deposit below
// Stripe's minimum charge, a price above its maximum and a paid service in a
// currency Stripe does not take are refused when the owner sets them (422
// validation_failed), and a service stored before these rules is refused
// when a customer books (422 amount_not_payable, nothing appended), instead
// of Stripe refusing the intent after the hold (502).
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "domain/proto_values.h"
#include "slotwise/events/v1/business.pb.h"
#include "tests/command-side/payment_test_support.h"

using slotwise::testing::bearer;
using slotwise::testing::book;
using slotwise::testing::CommandFixture;
using slotwise::testing::paid_setup;
using slotwise::testing::PaidSetup;

namespace domain = slotwise::domain;

namespace {

// A free 60-minute service of 5000 minor units in a new business of
// `currency` (which Stripe need not take).
PaidSetup free_setup(CommandFixture& f, const std::string& slug, const std::string& currency) {
  auto [user, token] = f.signup(slug + "@example.com");
  (void)user;
  auto [biz, svc] = f.business_with_hours(token, slug, "UTC", "", currency);
  return {token, biz, svc};
}

// Defines a service of `s`'s business with `body`; the answer.
slotwise::testing::ApiResponse define(CommandFixture& f, const PaidSetup& s,
                                      const std::string& body) {
  return f.api->post("/v1/businesses/" + s.business + "/services", body, bearer(s.token));
}

// Stores `change` to `s`'s service straight in the log, past today's
// validation: a service saved before these rules existed.
void store_unchecked(CommandFixture& f, const PaidSetup& s,
                     const std::function<void(domain::ServiceDefinition&)>& change) {
  auto loaded = f.server->context().businesses().load(s.business);
  REQUIRE(loaded.ok());
  domain::ServiceDefinition old = domain::find_service(loaded->first, s.service)->definition;
  change(old);
  slotwise::events::v1::ServiceUpdated updated;
  updated.set_business_id(s.business);
  updated.set_service_id(s.service);
  *updated.mutable_definition() = domain::to_proto(old);
  auto stored = f.server->context().businesses().execute(
      s.business,
      [&](const domain::BusinessState&)
          -> slotwise::common::Result<std::vector<domain::BusinessEvent>, domain::DomainError> {
        return std::vector<domain::BusinessEvent>{updated};
      },
      "legacy-service", {});
  REQUIRE(stored.ok());
}

// Books slot(3, 10) of `s` and checks it is refused 422 amount_not_payable
// with `why` in the message, before anything is appended or sent to Stripe.
void check_refused_at_booking(CommandFixture& f, const PaidSetup& s, const std::string& why) {
  const auto before = f.last_sequence();
  auto r = book(f, s, f.slot(3, 10));
  CHECK_MESSAGE(r.status == 422, r.body);
  CHECK(r.error_code() == "amount_not_payable");
  CHECK_MESSAGE(r.body.find(why) != std::string::npos, r.body);
  CHECK(f.last_sequence() == before);
  CHECK(f.stripe.calls().empty());
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "a deposit below Stripe's minimum charge is refused when set") {
  const auto s = paid_setup(*this, "eur-min");
  // 0.20 EUR: Stripe's minimum charge in EUR is 0.50.
  auto r = define(*this, s,
                  R"({"name":"Trial","duration_minutes":30,"price_minor":5000,)"
                  R"("payment_mode":"deposit","deposit_minor":20})");
  CHECK(r.status == 422);
  CHECK(r.error_code() == "validation_failed");
  CHECK_MESSAGE(r.body.find("deposit: 20 minor units of EUR is less than Stripe's minimum "
                            "charge in EUR, 50 minor units") != std::string::npos,
                r.body);
  // Lowering an existing service's deposit or price is refused alike.
  const std::string path = "/v1/businesses/" + s.business + "/services/" + s.service;
  auto patched = api->send("PATCH", path, R"({"price_minor":30})", bearer(s.token));
  CHECK(patched.status == 422);
  CHECK(patched.error_code() == "validation_failed");
  CHECK(patched.body.find("price: 30 minor units of EUR") != std::string::npos);
  // At the minimum it is payable, and Stripe takes it.
  auto ok = define(*this, s,
                   R"({"name":"Trial","duration_minutes":30,"price_minor":5000,)"
                   R"("payment_mode":"deposit","deposit_minor":50})");
  REQUIRE_MESSAGE(ok.status == 201, ok.body);
  auto booked = book(*this, {s.token, s.business, ok.str("service_id")}, slot(3, 10));
  REQUIRE_MESSAGE(booked.status == 201, booked.body);
  CHECK(stripe.calls().back().form.at("amount") == "50");
}

TEST_CASE_FIXTURE(CommandFixture, "an ISK price over Stripe's maximum charge is refused when set") {
  const auto s = paid_setup(*this, "isk-max", "", 5000, "ISK");
  // 1,000,000 kr. is Stripe's 100000000: nine digits, one more than it takes.
  auto r = define(*this, s,
                  R"({"name":"Retreat","duration_minutes":60,"price_minor":1000000,)"
                  R"("payment_mode":"full"})");
  CHECK(r.status == 422);
  CHECK(r.error_code() == "validation_failed");
  CHECK_MESSAGE(r.body.find("price: 1000000 minor units of ISK is more than Stripe's maximum "
                            "charge in ISK, 999999 minor units") != std::string::npos,
                r.body);
  // Not paid through Stripe: any price up to SlotWise's own limit.
  auto unpaid =
      define(*this, s, R"({"name":"Retreat","duration_minutes":60,"price_minor":1000000})");
  CHECK_MESSAGE(unpaid.status == 201, unpaid.body);
  // 999,999 kr. is the most Stripe charges in ISK.
  const std::string path = "/v1/businesses/" + s.business + "/services/" + s.service;
  auto patched = api->send("PATCH", path, R"({"price_minor":999999})", bearer(s.token));
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  auto booked = book(*this, s, slot(3, 10));
  REQUIRE_MESSAGE(booked.status == 201, booked.body);
  CHECK(stripe.calls().back().form.at("amount") == "99999900");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a paid service in a currency Stripe does not take is refused; a free one is "
                  "fine") {
  const auto s = free_setup(*this, "kpw-biz", "KPW");
  for (const std::string paid :
       {R"("payment_mode":"full")", R"("payment_mode":"deposit","deposit_minor":1000)"}) {
    CAPTURE(paid);
    auto r = define(*this, s,
                    R"({"name":"Paid","duration_minutes":30,"price_minor":5000,)" + paid + "}");
    CHECK(r.status == 422);
    CHECK(r.error_code() == "validation_failed");
    CHECK_MESSAGE(r.body.find("Stripe takes no payments in KPW") != std::string::npos, r.body);
  }
  const std::string path = "/v1/businesses/" + s.business + "/services/" + s.service;
  auto patched = api->send("PATCH", path, R"({"payment_mode":"full"})", bearer(s.token));
  CHECK(patched.status == 422);
  CHECK(patched.body.find("KPW") != std::string::npos);
  // The free service books and confirms at once.
  auto booked = book(*this, s, slot(3, 10));
  REQUIRE_MESSAGE(booked.status == 201, booked.body);
  CHECK(booked.str("status") == "confirmed");
  CHECK(stripe.calls().empty());
  // The business's currency is fixed at creation: a PATCH cannot move a
  // business with paid services to a currency Stripe does not take.
  auto moved =
      api->send("PATCH", "/v1/businesses/" + s.business, R"({"currency":"EUR"})", bearer(s.token));
  CHECK(moved.status == 400);
  CHECK(moved.body.find("unknown field 'currency'") != std::string::npos);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a service stored before Stripe's limits were checked is refused at booking") {
  SUBCASE("a deposit below the minimum") {
    const auto s = paid_setup(*this, "legacy-min");
    store_unchecked(*this, s, [](domain::ServiceDefinition& d) {
      d.payment_mode = domain::PaymentMode::deposit;
      d.deposit = domain::Money{20, "EUR"};
    });
    check_refused_at_booking(*this, s, "20 minor units of EUR is less than Stripe's minimum");
  }
  SUBCASE("an ISK price over the maximum") {
    const auto s = paid_setup(*this, "legacy-max", "", 5000, "ISK");
    store_unchecked(*this, s,
                    [](domain::ServiceDefinition& d) { d.price.amount_minor = 1'000'000; });
    check_refused_at_booking(*this, s, "1000000 minor units of ISK is more than Stripe's maximum");
  }
  SUBCASE("a paid service in a currency Stripe does not take") {
    const auto s = free_setup(*this, "legacy-kpw", "KPW");
    store_unchecked(
        *this, s, [](domain::ServiceDefinition& d) { d.payment_mode = domain::PaymentMode::full; });
    check_refused_at_booking(*this, s, "Stripe takes no payments in KPW");
  }
}
