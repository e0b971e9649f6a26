#include "domain/stripe_amount.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <string>

#include "domain/currency.h"

namespace slotwise::domain {
namespace {

// https://docs.stripe.com/currencies, "Supported presentment currencies"
// (the list for US and EU accounts), with the five three-decimal currencies
// its "Three-decimal currencies" section gives general API support; sorted.
// Not here: STD, which that list still names, is the dobra ISO 4217
// replaced by STN in 2018 (1000 STD = 1 STN), and STN is not listed; and
// the ISO currencies Stripe does not list at all (BTN, CUP, IQD, IRR, KPW,
// LYD, SYP, VES, ...). Stripe answers a payment in any of those 400.
constexpr std::array<std::string_view, 138> kStripeCurrencies = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHF", "CLP", "CNY", "COP", "CRC", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG",
    "HUF", "IDR", "ILS", "INR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KRW",
    "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MOP", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR",
    "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB",
    "RWF", "SAR", "SBD", "SCR", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SZL", "THB", "TJS",
    "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VND", "VUV",
    "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW",
};

// A limit of one currency, in Stripe's `amount` (its units, not SlotWise's).
struct StripeLimit {
  std::string_view code;
  std::int64_t amount;
};

// https://docs.stripe.com/currencies, "Minimum charge amount by currency";
// sorted by code. Stripe applies the minimum of the settlement currency;
// SlotWise cannot know the account's, so it applies the minimum of the
// currency charged, which is Stripe's when the two are the same (the
// common case of one bank account in the business's currency). A currency
// not listed has no minimum here: none is invented.
constexpr std::array<StripeLimit, 31> kStripeMinimumCharge = {{
    {"AED", 200},    // 2.00
    {"ARS", 50},     // 0.50
    {"AUD", 50},     // 0.50
    {"BRL", 50},     // 0.50
    {"CAD", 50},     // 0.50
    {"CHF", 50},     // 0.50
    {"COP", 50},     // 0.50
    {"CZK", 1500},   // 15.00
    {"DKK", 250},    // 2.50
    {"EUR", 50},     // 0.50
    {"GBP", 30},     // 0.30
    {"HKD", 400},    // 4.00
    {"HUF", 17500},  // 175.00
    {"IDR", 50},     // 0.50
    {"ILS", 50},     // 0.50
    {"INR", 50},     // 0.50
    {"JPY", 50},     // 50 (zero-decimal)
    {"KRW", 50},     // 50 (zero-decimal)
    {"MXN", 1000},   // 10
    {"MYR", 200},    // 2.00
    {"NOK", 300},    // 3.00
    {"NZD", 50},     // 0.50
    {"PHP", 50},     // 0.50
    {"PLN", 200},    // 2.00
    {"RON", 200},    // 2.00
    {"RUB", 50},     // 0.50
    {"SEK", 300},    // 3.00
    {"SGD", 50},     // 0.50
    {"THB", 1000},   // 10
    {"USD", 50},     // 0.50
    {"ZAR", 50},     // 0.50
}};

// https://docs.stripe.com/currencies, "Maximum charge amounts": the digits
// the `amount` may have for every payment method (cards may allow more, up
// to 12; an intent with automatic payment methods must be payable by any of
// them); sorted. Every other currency: 8 digits (99999999, 999,999.99 USD).
constexpr std::array<StripeLimit, 3> kStripeMaximumCharge = {{
    {"COP", 9'999'999'999},    // 10 digits
    {"IDR", 999'999'999'999},  // 12 digits
    {"INR", 999'999'999},      // 9 digits
}};
constexpr std::int64_t kStripeDefaultMaximumCharge = 99'999'999;

// https://docs.stripe.com/currencies, sections "Zero-decimal currencies",
// "Three-decimal currencies" and "Special cases"; sorted. Stripe treats every
// currency not named here as two-decimal.
constexpr std::array<std::string_view, 15> kStripeZeroDecimal = {
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
    "PYG", "RWF", "VND", "VUV", "XAF", "XOF", "XPF",
};
// Two decimals whose last two digits must be 00. (Stripe's zero-decimal
// list names UGX too; its special case, the more precise rule, says this.)
constexpr std::array<std::string_view, 2> kStripeWholeUnitsInCents = {"ISK", "UGX"};
// Three decimals whose last digit must be 0.
constexpr std::array<std::string_view, 5> kStripeThreeDecimal = {"BHD", "JOD", "KWD", "OMR", "TND"};

static_assert(std::is_sorted(kStripeCurrencies.begin(), kStripeCurrencies.end()));
static_assert(std::is_sorted(kStripeZeroDecimal.begin(), kStripeZeroDecimal.end()));
static_assert(std::is_sorted(kStripeThreeDecimal.begin(), kStripeThreeDecimal.end()));

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view code) {
  return std::binary_search(table.begin(), table.end(), code);
}

constexpr bool by_code(const StripeLimit& a, const StripeLimit& b) { return a.code < b.code; }
static_assert(std::is_sorted(kStripeMinimumCharge.begin(), kStripeMinimumCharge.end(), by_code));
static_assert(std::is_sorted(kStripeMaximumCharge.begin(), kStripeMaximumCharge.end(), by_code));

// The limit `table` gives `code`, or `otherwise`.
template <std::size_t N>
std::int64_t limit_of(const std::array<StripeLimit, N>& table, std::string_view code,
                      std::int64_t otherwise) {
  const auto it = std::lower_bound(table.begin(), table.end(), StripeLimit{code, 0}, by_code);
  return it != table.end() && it->code == code ? it->amount : otherwise;
}

// How one currency's amounts are written on each side.
struct Units {
  bool stripe_takes = true;
  int slotwise_exponent = 2;
  int stripe_exponent = 2;
  // Stripe's amounts must be a multiple of this.
  std::int64_t stripe_step = 1;
};

Units units_of(std::string_view code) {
  Units u;
  u.slotwise_exponent = minor_unit_exponent(code);
  if (listed(kStripeZeroDecimal, code)) {
    u.stripe_exponent = 0;
  } else if (listed(kStripeWholeUnitsInCents, code)) {
    u.stripe_step = 100;
  } else if (listed(kStripeThreeDecimal, code)) {
    u.stripe_exponent = 3;
    u.stripe_step = 10;
  }
  // Not a Stripe currency (IQD and LYD among them); nor, were one ever
  // listed, a three-decimal currency Stripe does not treat as one: a
  // two-decimal guess would charge a tenth or ten times the price.
  u.stripe_takes =
      listed(kStripeCurrencies, code) && (u.slotwise_exponent != 3 || u.stripe_exponent == 3);
  return u;
}

std::int64_t power_of_ten(int exponent) {
  std::int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

// The factor between the two sides' numbers (>= 1).
std::int64_t factor(const Units& u) {
  return power_of_ten(u.stripe_exponent > u.slotwise_exponent
                          ? u.stripe_exponent - u.slotwise_exponent
                          : u.slotwise_exponent - u.stripe_exponent);
}

// What SlotWise amounts must be a multiple of for Stripe to take them.
std::int64_t slotwise_step(const Units& u) {
  const std::int64_t f = factor(u);
  if (u.stripe_exponent >= u.slotwise_exponent) return std::max<std::int64_t>(1, u.stripe_step / f);
  return u.stripe_step * f;
}

std::string upper(std::string_view code) {
  std::string out(code);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

common::Unexpected<DomainError> refused(const std::string& why) {
  return common::fail(make_error(error_code::validation_failed, why));
}

// SlotWise minor units of Stripe's `amount` (a limit, >= 0), rounded up or
// down to a whole minor unit: what a message tells the owner.
std::int64_t slotwise_units_of_limit(std::int64_t amount, const Units& u, bool round_up) {
  const std::int64_t f = factor(u);
  if (u.stripe_exponent < u.slotwise_exponent) return amount * f;
  return amount / f + (round_up && amount % f != 0 ? 1 : 0);
}

}  // namespace

bool stripe_takes_currency(std::string_view currency) {
  const std::string code = upper(currency);
  return is_active_currency(code) && units_of(code).stripe_takes;
}

common::Result<std::int64_t, DomainError> to_stripe_amount(std::int64_t minor,
                                                           std::string_view currency) {
  const std::string code = upper(currency);
  if (!is_active_currency(code)) return refused("'" + code + "' is not a currency SlotWise knows");
  const Units u = units_of(code);
  if (!u.stripe_takes) return refused("Stripe takes no payments in " + code);
  if (minor < 0) return refused("an amount paid through Stripe cannot be negative");
  const std::int64_t step = slotwise_step(u);
  if (minor % step != 0) {
    return refused(std::to_string(minor) + " minor units of " + code +
                   " cannot be paid through Stripe: it takes " + code + " in multiples of " +
                   std::to_string(step) + " minor units");
  }
  const std::int64_t f = factor(u);
  if (u.stripe_exponent < u.slotwise_exponent) return minor / f;
  if (minor > std::numeric_limits<std::int64_t>::max() / f) {
    return refused(std::to_string(minor) + " minor units of " + code + " is too large");
  }
  return minor * f;
}

common::Result<std::int64_t, DomainError> from_stripe_amount(std::int64_t amount,
                                                             std::string_view currency) {
  const std::string code = upper(currency);
  if (!is_active_currency(code)) return refused("'" + code + "' is not a currency SlotWise knows");
  const Units u = units_of(code);
  if (!u.stripe_takes) return refused("Stripe takes no payments in " + code);
  if (amount < 0) return refused("a Stripe amount cannot be negative");
  const std::int64_t f = factor(u);
  if (u.stripe_exponent >= u.slotwise_exponent) {
    if (amount % f != 0) {
      return refused("Stripe's amount " + std::to_string(amount) + " of " + code +
                     " is not a whole number of minor units");
    }
    return amount / f;
  }
  if (amount > std::numeric_limits<std::int64_t>::max() / f) {
    return refused("Stripe's amount " + std::to_string(amount) + " of " + code + " is too large");
  }
  return amount * f;
}

common::Result<std::int64_t, DomainError> to_stripe_charge_amount(std::int64_t minor,
                                                                  std::string_view currency) {
  auto amount = to_stripe_amount(minor, currency);
  if (!amount) return amount;
  const std::string code = upper(currency);
  const Units u = units_of(code);
  const std::int64_t minimum = limit_of(kStripeMinimumCharge, code, 0);
  if (amount.value() < minimum) {
    return refused(std::to_string(minor) + " minor units of " + code +
                   " is less than Stripe's minimum charge in " + code + ", " +
                   std::to_string(slotwise_units_of_limit(minimum, u, true)) + " minor units");
  }
  const std::int64_t maximum = limit_of(kStripeMaximumCharge, code, kStripeDefaultMaximumCharge);
  if (amount.value() > maximum) {
    return refused(std::to_string(minor) + " minor units of " + code +
                   " is more than Stripe's maximum charge in " + code + ", " +
                   std::to_string(slotwise_units_of_limit(maximum, u, false)) + " minor units");
  }
  return amount;
}

std::int64_t round_down_to_stripe_amount(std::int64_t minor, std::string_view currency) {
  const std::string code = upper(currency);
  if (minor <= 0 || !is_active_currency(code)) return 0;
  const Units u = units_of(code);
  if (!u.stripe_takes) return 0;
  return minor - minor % slotwise_step(u);
}

}  // namespace slotwise::domain
