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
//   - IQD and LYD: three decimals in ISO 4217; Stripe takes neither, so no
//     amount converts.
//   - HUF and TWD: two decimals for payments and refunds, as ISO 4217;
//     Stripe's whole-unit rule for them applies to payouts, which SlotWise
//     does not make.
// Every other currency is the same number on both sides, including Stripe's
// other zero-decimal currencies (JPY, KRW, CLP, ...), which have no minor
// unit in ISO 4217 either.
//
// Thread safety: pure functions over constant tables.
// Errors: validation_failed DomainErrors whose message names the amount,
// the currency and Stripe's rule: an amount Stripe cannot take (not a
// multiple of what it accepts, negative, a currency it does not take, or
// one SlotWise does not know), or a Stripe amount that is not a whole
// number of SlotWise minor units.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "domain/domain_error.h"

namespace slotwise::domain {

// Stripe's `amount` for `minor` SlotWise minor units of `currency` (ISO
// 4217, any case).
[[nodiscard]] common::Result<std::int64_t, DomainError> to_stripe_amount(std::int64_t minor,
                                                                         std::string_view currency);

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
