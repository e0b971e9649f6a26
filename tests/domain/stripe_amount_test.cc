// SlotWise minor units (ISO 4217) against Stripe's API amounts
// (domain/stripe_amount.h): the currencies where the two agree, each of
// Stripe's special cases, what Stripe cannot take, the round trip, and a
// charge's minimum and maximum.
#include "domain/stripe_amount.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "domain/currency.h"

namespace slotwise::domain {
namespace {

std::int64_t to_stripe(std::int64_t minor, const std::string& currency) {
  auto r = to_stripe_amount(minor, currency);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  return r.value();
}

std::int64_t from_stripe(std::int64_t amount, const std::string& currency) {
  auto r = from_stripe_amount(amount, currency);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  return r.value();
}

// The message of a refused to_stripe_amount ("" when it was accepted).
std::string refusal(std::int64_t minor, const std::string& currency) {
  auto r = to_stripe_amount(minor, currency);
  if (r.ok()) return "";
  CHECK(r.error().code == "validation_failed");
  return r.error().message;
}

// The message of a refused to_stripe_charge_amount ("" when accepted).
std::string charge_refusal(std::int64_t minor, const std::string& currency) {
  auto r = to_stripe_charge_amount(minor, currency);
  if (r.ok()) return "";
  CHECK(r.error().code == "validation_failed");
  return r.error().message;
}

}  // namespace

TEST_CASE("ISO 4217 minor units: 0, 2 or 3 decimals") {
  for (const char* code : {"JPY", "ISK", "UGX", "KRW", "CLP", "XOF", "VND"}) {
    CAPTURE(code);
    CHECK(minor_unit_exponent(code) == 0);
  }
  for (const char* code : {"EUR", "USD", "HUF", "TWD", "MGA", "IDR"}) {
    CAPTURE(code);
    CHECK(minor_unit_exponent(code) == 2);
  }
  for (const char* code : {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}) {
    CAPTURE(code);
    CHECK(minor_unit_exponent(code) == 3);
  }
}

TEST_CASE("most currencies are the same number on both sides, in either case") {
  CHECK(to_stripe(5000, "EUR") == 5000);
  CHECK(to_stripe(5000, "eur") == 5000);
  CHECK(to_stripe(1, "USD") == 1);
  CHECK(from_stripe(2599, "gbp") == 2599);
  // Zero-decimal on both sides.
  CHECK(to_stripe(5000, "JPY") == 5000);
  CHECK(to_stripe(12345, "KRW") == 12345);
  CHECK(from_stripe(777, "xof") == 777);
  // HUF and TWD: two decimals for payments; whole units only for payouts.
  CHECK(to_stripe(1045, "HUF") == 1045);
  CHECK(to_stripe(80045, "TWD") == 80045);
  CHECK(from_stripe(80045, "twd") == 80045);
  CHECK(to_stripe(0, "EUR") == 0);
}

TEST_CASE("ISK and UGX: whole units in SlotWise, two decimals ending in 00 at Stripe") {
  for (const char* code : {"ISK", "UGX", "isk", "ugx"}) {
    CAPTURE(code);
    CHECK(to_stripe(5000, code) == 500000);
    CHECK(to_stripe(1, code) == 100);
    CHECK(to_stripe(12345, code) == 1234500);
    CHECK(from_stripe(500000, code) == 5000);
    CHECK(from_stripe(100, code) == 1);
    // A fraction of a króna or shilling is no SlotWise amount.
    auto fraction = from_stripe_amount(500050, code);
    REQUIRE_FALSE(fraction.ok());
    CHECK(fraction.error().message.find("not a whole number") != std::string::npos);
  }
}

TEST_CASE("three-decimal currencies: the last digit must be 0") {
  for (const char* code : {"BHD", "JOD", "KWD", "OMR", "TND"}) {
    CAPTURE(code);
    CHECK(to_stripe(12340, code) == 12340);
    CHECK(to_stripe(10, code) == 10);
    CHECK(from_stripe(12340, code) == 12340);
    const std::string why = refusal(12345, code);
    CHECK(why.find("12345 minor units of " + std::string(code)) != std::string::npos);
    CHECK(why.find("multiples of 10 minor units") != std::string::npos);
    CHECK_FALSE(refusal(1, code).empty());
  }
}

TEST_CASE("MGA: two decimals in ISO 4217, whole ariary at Stripe") {
  CHECK(to_stripe(500000, "MGA") == 5000);
  CHECK(from_stripe(5000, "mga") == 500000);
  CHECK(refusal(500050, "MGA").find("multiples of 100 minor units") != std::string::npos);
}

TEST_CASE("what Stripe cannot take is refused, never guessed") {
  // ISO three-decimal currencies Stripe does not take.
  for (const char* code : {"IQD", "LYD"}) {
    CAPTURE(code);
    CHECK(refusal(10000, code).find("Stripe takes no payments in") != std::string::npos);
    CHECK_FALSE(from_stripe_amount(10000, code).ok());
  }
  CHECK(refusal(-100, "EUR").find("negative") != std::string::npos);
  CHECK_FALSE(from_stripe_amount(-100, "EUR").ok());
  CHECK(refusal(100, "").find("not a currency") != std::string::npos);
  CHECK_FALSE(refusal(100, "XAU").empty());
  CHECK_FALSE(from_stripe_amount(100, "").ok());
  CHECK(refusal(std::numeric_limits<std::int64_t>::max(), "ISK").find("too large") !=
        std::string::npos);
  CHECK_FALSE(from_stripe_amount(std::numeric_limits<std::int64_t>::max(), "MGA").ok());
}

TEST_CASE("every accepted amount comes back unchanged") {
  for (const char* code :
       {"EUR", "JPY", "ISK", "UGX", "MGA", "KWD", "BHD", "JOD", "OMR", "TND", "HUF", "TWD"}) {
    CAPTURE(code);
    for (std::int64_t minor :
         {0LL, 1LL, 10LL, 99LL, 100LL, 4070LL, 12345LL, 500000LL, 1'000'000'000LL}) {
      CAPTURE(minor);
      auto there = to_stripe_amount(minor, code);
      if (!there.ok()) continue;  // not payable in this currency (checked above)
      CHECK(from_stripe(there.value(), code) == minor);
    }
  }
}

TEST_CASE("rounding down to what Stripe takes") {
  CHECK(round_down_to_stripe_amount(4072, "KWD") == 4070);
  CHECK(round_down_to_stripe_amount(4070, "KWD") == 4070);
  CHECK(round_down_to_stripe_amount(9, "OMR") == 0);
  CHECK(round_down_to_stripe_amount(123456, "MGA") == 123400);
  CHECK(round_down_to_stripe_amount(2001, "ISK") == 2001);
  CHECK(round_down_to_stripe_amount(2001, "EUR") == 2001);
  CHECK(round_down_to_stripe_amount(2001, "iqd") == 0);
  CHECK(round_down_to_stripe_amount(-5, "EUR") == 0);
  for (const char* code : {"KWD", "MGA", "ISK", "EUR"}) {
    CAPTURE(code);
    CHECK(to_stripe_amount(round_down_to_stripe_amount(123457, code), code).ok());
  }
}

TEST_CASE("a charge is at least Stripe's minimum charge in its currency") {
  const std::string why = charge_refusal(20, "EUR");  // a 0.20 EUR deposit
  CHECK(why.find("20 minor units of EUR") != std::string::npos);
  CHECK(why.find("less than Stripe's minimum charge in EUR, 50 minor units") != std::string::npos);
  CHECK(charge_refusal(49, "eur").find("minimum") != std::string::npos);
  CHECK(to_stripe_charge_amount(50, "EUR").value() == 50);
  // A sample of Stripe's table, at and just below each minimum.
  struct Minimum {
    const char* code;
    std::int64_t minor;
  };
  for (const Minimum m :
       {Minimum{"USD", 50}, Minimum{"GBP", 30}, Minimum{"JPY", 50}, Minimum{"KRW", 50},
        Minimum{"HUF", 17500}, Minimum{"CZK", 1500}, Minimum{"DKK", 250}, Minimum{"HKD", 400},
        Minimum{"MXN", 1000}, Minimum{"THB", 1000}, Minimum{"AED", 200}, Minimum{"INR", 50}}) {
    CAPTURE(m.code);
    CHECK(to_stripe_charge_amount(m.minor, m.code).ok());
    CHECK(charge_refusal(m.minor - 1, m.code).find("minimum charge") != std::string::npos);
  }
  // A currency Stripe lists no minimum for has none here (none invented),
  // BGN included: the current table no longer lists it.
  CHECK(to_stripe_charge_amount(1, "ISK").value() == 100);
  CHECK(to_stripe_charge_amount(10, "KWD").value() == 10);
  CHECK(to_stripe_charge_amount(1, "CLP").value() == 1);
  CHECK(to_stripe_charge_amount(1, "BGN").value() == 1);
  // A refund has no minimum: converting alone does not apply it.
  CHECK(to_stripe(20, "EUR") == 20);
  CHECK(round_down_to_stripe_amount(20, "EUR") == 20);
}

TEST_CASE("a charge has at most 8 digits at Stripe (12 for IDR, 10 for COP, 9 for INR)") {
  CHECK(to_stripe_charge_amount(99'999'999, "EUR").value() == 99'999'999);
  const std::string eur = charge_refusal(100'000'000, "EUR");
  CHECK(eur.find("100000000 minor units of EUR") != std::string::npos);
  CHECK(eur.find("more than Stripe's maximum charge in EUR, 99999999 minor units") !=
        std::string::npos);
  // ISK: 999,999 kr. is Stripe's 99999900; one krona more is 9 digits there.
  CHECK(to_stripe_charge_amount(999'999, "ISK").value() == 99'999'900);
  CHECK(charge_refusal(1'000'000, "ISK").find("maximum charge in ISK, 999999 minor units") !=
        std::string::npos);
  CHECK(charge_refusal(1'000'000, "UGX").find("maximum") != std::string::npos);
  // MGA: Stripe's 99999999 ariary are SlotWise's 9999999900.
  CHECK(to_stripe_charge_amount(9'999'999'900, "MGA").value() == 99'999'999);
  CHECK(charge_refusal(10'000'000'000, "MGA").find("maximum charge in MGA, 9999999900") !=
        std::string::npos);
  CHECK(to_stripe_charge_amount(99'999'990, "KWD").ok());
  CHECK_FALSE(to_stripe_charge_amount(100'000'000, "KWD").ok());
  CHECK(to_stripe_charge_amount(999'999'999'999, "IDR").ok());
  CHECK_FALSE(to_stripe_charge_amount(1'000'000'000'000, "IDR").ok());
  CHECK(to_stripe_charge_amount(9'999'999'999, "COP").ok());
  CHECK_FALSE(to_stripe_charge_amount(10'000'000'000, "COP").ok());
  CHECK(to_stripe_charge_amount(999'999'999, "INR").ok());
  CHECK_FALSE(to_stripe_charge_amount(1'000'000'000, "INR").ok());
  // The largest SlotWise price converts; only a charge is limited.
  CHECK(to_stripe(1'000'000'000, "EUR") == 1'000'000'000);
}

TEST_CASE("currencies Stripe does not take: no amount of them converts") {
  for (const char* code : {"KPW", "IRR", "SYP", "CUP", "VES", "STN", "BTN", "GHS", "IQD", "LYD"}) {
    CAPTURE(code);
    CHECK_FALSE(stripe_takes_currency(code));
    CHECK(refusal(5000, code) == "Stripe takes no payments in " + std::string(code));
    CHECK(charge_refusal(5000, code) == "Stripe takes no payments in " + std::string(code));
    CHECK_FALSE(from_stripe_amount(5000, code).ok());
    CHECK(round_down_to_stripe_amount(5000, code) == 0);
  }
  CHECK(refusal(5000, "kpw") == "Stripe takes no payments in KPW");
  for (const char* code : {"EUR", "usd", "ISK", "UGX", "MGA", "KWD", "TND", "JPY", "BGN", "ZMW"}) {
    CAPTURE(code);
    CHECK(stripe_takes_currency(code));
  }
  CHECK_FALSE(stripe_takes_currency(""));
  CHECK_FALSE(stripe_takes_currency("XAU"));
}

}  // namespace slotwise::domain
