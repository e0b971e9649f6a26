// An amount of money as people read it in a notification: integer minor
// units (events/v1 Money) shown with the currency's ISO 4217 decimals and
// its code, e.g. 5000 EUR -> "50.00 EUR", 5000 JPY -> "5000 JPY",
// 1500 KWD -> "1.500 KWD". Owners act on these amounts (a failed refund
// they must pay back by hand), so the decimals follow the standard rather
// than assuming cents. Codes are matched and shown in upper case (Stripe
// spells them "eur").
//
// Thread safety: pure functions over a constant table.
// Errors: none; an unknown or empty code is shown with two decimals.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace slotwise::notifier {

// ISO 4217 minor-unit digits of `currency` (0, 2 or 3; any letter case).
[[nodiscard]] int minor_unit_digits(std::string_view currency);
[[nodiscard]] std::string format_money(std::int64_t amount_minor, std::string_view currency);

}  // namespace slotwise::notifier
