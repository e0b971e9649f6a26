#include "domain/stripe_amount.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <string>

#include "domain/currency.h"

namespace slotwise::domain {
namespace {

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

static_assert(std::is_sorted(kStripeZeroDecimal.begin(), kStripeZeroDecimal.end()));
static_assert(std::is_sorted(kStripeThreeDecimal.begin(), kStripeThreeDecimal.end()));

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view code) {
  return std::binary_search(table.begin(), table.end(), code);
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
  } else if (u.slotwise_exponent == 3) {
    // IQD, LYD: not among Stripe's currencies, and a two-decimal guess
    // would charge a tenth or ten times the price if it ever took them.
    u.stripe_takes = false;
  }
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

}  // namespace

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

std::int64_t round_down_to_stripe_amount(std::int64_t minor, std::string_view currency) {
  const std::string code = upper(currency);
  if (minor <= 0 || !is_active_currency(code)) return 0;
  const Units u = units_of(code);
  if (!u.stripe_takes) return 0;
  return minor - minor % slotwise_step(u);
}

}  // namespace slotwise::domain
