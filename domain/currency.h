// Which ISO 4217 codes a business may price in: the circulating currencies.
//
// Thread safety: pure function over a constant table.
// Errors: none (a predicate).
#pragma once

#include <string_view>

namespace slotwise::domain {

// Whether `code` is an upper-case ISO 4217 code of a currency in circulation.
// Fund codes (BOV, CHE, USN, ...), precious metals (XAU, ...), units of
// account (XDR, XBA, ...), test codes (XTS, XXX) and withdrawn currencies
// (HRK) are refused: nobody sells a haircut in troy ounces of gold.
[[nodiscard]] bool is_active_currency(std::string_view code);

}  // namespace slotwise::domain
