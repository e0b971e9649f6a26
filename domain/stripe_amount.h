// Amounts as Stripe's API writes them, against SlotWise's minor units: the
// one conversion every amount sent to Stripe or read from it goes through
// (docs/adr/0008-payments.md, "Amounts at the Stripe edge").
//
// SlotWise counts ISO 4217 minor units (currency.h). Stripe's `amount`
// mostly counts the same units (https://docs.stripe.com/currencies), except:
//   - ISK and UGX: no minor unit in ISO 4217, but Stripe keeps two decimals
//     for backwards compatibility and the last two digits must be 00:
//     5000 ISK is Stripe's 500000. Every SlotWise amount converts.
//   - MGA: two decimals in ISO 4217, none at Stripe (a zero-decimal
//     currency): SlotWise's 500000 (5000.00 ariary) is Stripe's 5000, and an
//     amount with a fraction of an ariary cannot be paid.
//   - BHD, JOD, KWD, OMR, TND: three decimals in both, but Stripe requires
//     the last digit to be 0: 12340 fils can be paid, 12345 cannot.
//   - Currencies Stripe does not take (not among its presentment currencies:
//     IQD, LYD, KPW, IRR, SYP, CUP, ...): no amount converts.
//   - HUF and TWD: two decimals for payments and refunds, as ISO 4217;
//     Stripe's whole-unit rule for them applies to payouts, which SlotWise
//     does not make.
// Every other currency is the same number on both sides, including Stripe's
// other zero-decimal currencies (JPY, KRW, CLP, ...), which have no minor
// unit in ISO 4217 either.
//
// A charge (a PaymentIntent) must also be within Stripe's limits, in its
// units: at least its minimum charge where it lists one (0.50 EUR, 0.30
// GBP, 50 JPY, ...; none is invented for the currencies it does not list)
// and at most its maximum (8 digits, 99999999; 12 for IDR, 10 for COP, 9
// for INR): an ISK price above 999,999 kr. is over it. A refund has no
// minimum, and is never more than the charge.
//
// Thread safety: pure functions over constant tables.
// Errors: validation_failed DomainErrors whose message names the amount,
// the currency and Stripe's rule: an amount Stripe cannot take (not a
// multiple of what it accepts, negative, a currency it does not take, or
// one SlotWise does not know; for a charge also below Stripe's minimum or
// above its maximum), or a Stripe amount that is not a whole number of
// SlotWise minor units.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "domain/domain_error.h"

namespace slotwise::domain {

// Whether Stripe takes payments in `currency` (ISO 4217, any case) at all.
[[nodiscard]] bool stripe_takes_currency(std::string_view currency);

// Stripe's `amount` for `minor` SlotWise minor units of `currency` (ISO
// 4217, any case): any amount sent to Stripe, a refund's included.
[[nodiscard]] common::Result<std::int64_t, DomainError> to_stripe_amount(std::int64_t minor,
                                                                         std::string_view currency);

// Stripe's `amount` for a charge of `minor` (> 0) SlotWise minor units of
// `currency`: to_stripe_amount, and within Stripe's minimum and maximum
// charge in the currency. What a customer is asked to pay must pass this.
[[nodiscard]] common::Result<std::int64_t, DomainError> to_stripe_charge_amount(
    std::int64_t minor, std::string_view currency);

// SlotWise minor units for Stripe's `amount` of `currency` (any case).
[[nodiscard]] common::Result<std::int64_t, DomainError> from_stripe_amount(
    std::int64_t amount, std::string_view currency);

// The largest amount of at most `minor` (>= 0) SlotWise minor units of
// `currency` that to_stripe_amount accepts: `minor` itself in most
// currencies, a multiple of 10 fils for KWD, of 100 for MGA; 0 for a
// currency Stripe does not take.
[[nodiscard]] std::int64_t round_down_to_stripe_amount(std::int64_t minor,
                                                       std::string_view currency);

}  // namespace slotwise::domain
