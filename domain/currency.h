// Which ISO 4217 codes a business may price in (the circulating currencies),
// and what a minor unit of each is.
//
// Thread safety: pure functions over constant tables.
// Errors: none (a predicate and a lookup).
#pragma once

#include <string_view>

namespace slotwise::domain {

// Whether `code` is an upper-case ISO 4217 code of a currency in circulation.
// Fund codes (BOV, CHE, USN, ...), precious metals (XAU, ...), units of
// account (XDR, XBA, ...), test codes (XTS, XXX) and withdrawn currencies
// (HRK) are refused: nobody sells a haircut in troy ounces of gold.
[[nodiscard]] bool is_active_currency(std::string_view code);

// ISO 4217's minor unit of `code` (upper case) as a power of ten: 0 for
// JPY, ISK, UGX and the other currencies without a subdivision in use, 3
// for BHD, IQD, JOD, KWD, LYD, OMR and TND, 2 for every other active code.
// Every SlotWise amount (`*_minor`, Money::amount_minor) counts these
// units: 5000 JPY is 5000, 50.00 EUR is 5000, 5.000 KWD is 5000.
[[nodiscard]] int minor_unit_exponent(std::string_view code);

}  // namespace slotwise::domain
