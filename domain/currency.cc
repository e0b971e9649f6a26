#include "domain/currency.h"

#include <algorithm>
#include <array>

namespace slotwise::domain {
namespace {

// Debian iso-codes 4.15's ISO 4217 table minus the non-currency codes named
// in the header; sorted, so lookup is a binary search. Adding a code is a
// one-line change here (and never removing one, or stored prices stop
// validating on update).
constexpr std::array<std::string_view, 158> kActiveCurrencies = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP",
    "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF",
    "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP",
    "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB",
    "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD",
    "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD",
    "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR",
    "ZMW", "ZWL",
};

static_assert(std::is_sorted(kActiveCurrencies.begin(), kActiveCurrencies.end()));

// ISO 4217 list one (published 2024-06-25), the active codes whose minor
// unit is not 2; sorted.
constexpr std::array<std::string_view, 16> kExponent0 = {
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
    "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
};
constexpr std::array<std::string_view, 7> kExponent3 = {"BHD", "IQD", "JOD", "KWD",
                                                        "LYD", "OMR", "TND"};

static_assert(std::is_sorted(kExponent0.begin(), kExponent0.end()));
static_assert(std::is_sorted(kExponent3.begin(), kExponent3.end()));

}  // namespace

bool is_active_currency(std::string_view code) {
  return std::binary_search(kActiveCurrencies.begin(), kActiveCurrencies.end(), code);
}

int minor_unit_exponent(std::string_view code) {
  if (std::binary_search(kExponent0.begin(), kExponent0.end(), code)) return 0;
  if (std::binary_search(kExponent3.begin(), kExponent3.end(), code)) return 3;
  return 2;
}

}  // namespace slotwise::domain
