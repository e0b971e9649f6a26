// Amounts in notifications: minor units shown with the currency's ISO 4217
// decimals (not always cents) and its code.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "notifier/money_text.h"

namespace slotwise::notifier {

TEST_CASE("amounts are shown with their currency's decimals") {
  CHECK(format_money(5000, "EUR") == "50.00 EUR");
  CHECK(format_money(1505, "USD") == "15.05 USD");
  CHECK(format_money(7, "GBP") == "0.07 GBP");
  CHECK(format_money(0, "EUR") == "0.00 EUR");
  CHECK(format_money(5000, "JPY") == "5000 JPY");
  CHECK(format_money(12000, "KRW") == "12000 KRW");
  CHECK(format_money(1500, "KWD") == "1.500 KWD");
  CHECK(format_money(5, "TND") == "0.005 TND");
  // Stripe's spelling.
  CHECK(format_money(5000, "eur") == "50.00 EUR");
  CHECK(format_money(5000, "jpy") == "5000 JPY");
}

TEST_CASE("an unknown or missing currency gets two decimals; negatives keep their sign") {
  CHECK(format_money(5000, "") == "50.00");
  CHECK(format_money(5000, "XYZ") == "50.00 XYZ");
  CHECK(format_money(-250, "EUR") == "-2.50 EUR");
  CHECK(format_money(std::numeric_limits<std::int64_t>::min(), "JPY") ==
        "-9223372036854775808 JPY");
  CHECK(minor_unit_digits("EUR") == 2);
  CHECK(minor_unit_digits("JPY") == 0);
  CHECK(minor_unit_digits("BHD") == 3);
}

}  // namespace slotwise::notifier
