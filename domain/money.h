// Money: an amount in integer minor units (cents, pence, yen) of one ISO 4217
// currency, as common.proto's Money. Never a float, so sums are exact.
//
// Thread safety: plain value.
// Errors: none; which amounts and currencies are acceptable is decided where
// they are used (service.h, currency.h).
#pragma once

#include <cstdint>
#include <string>

namespace slotwise::domain {

struct Money {
  std::int64_t amount_minor = 0;
  // Upper-case ISO 4217 code, e.g. "EUR".
  std::string currency;

  friend bool operator==(const Money&, const Money&) = default;
};

}  // namespace slotwise::domain
