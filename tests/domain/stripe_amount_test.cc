// SlotWise minor units (ISO 4217) against Stripe's API amounts
// (domain/stripe_amount.h): the currencies where the two agree, each of
// Stripe's special cases, what Stripe cannot take, and the round trip.
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

}  // namespace slotwise::domain
