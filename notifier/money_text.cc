#include "notifier/money_text.h"

#include <algorithm>
#include <array>

namespace slotwise::notifier {
namespace {

// The circulating currencies (domain/currency.h) whose ISO 4217 minor unit
// is not 2; sorted for a binary search.
constexpr std::array<std::string_view, 16> kNoDecimals = {
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
    "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
};
constexpr std::array<std::string_view, 7> kThreeDecimals = {
    "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND",
};

static_assert(std::is_sorted(kNoDecimals.begin(), kNoDecimals.end()));
static_assert(std::is_sorted(kThreeDecimals.begin(), kThreeDecimals.end()));

// Stripe writes codes in lower case ("eur"); events may carry its spelling.
std::string upper(std::string_view code) {
  std::string out(code);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

int minor_unit_digits(std::string_view currency) {
  const std::string code = upper(currency);
  if (std::binary_search(kNoDecimals.begin(), kNoDecimals.end(), code)) return 0;
  if (std::binary_search(kThreeDecimals.begin(), kThreeDecimals.end(), code)) return 3;
  return 2;
}

std::string format_money(std::int64_t amount_minor, std::string_view currency) {
  const int digits = minor_unit_digits(currency);
  const bool negative = amount_minor < 0;
  // Unsigned, so the most negative amount has a magnitude too.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(amount_minor)
                                     : static_cast<std::uint64_t>(amount_minor);
  std::string fraction;
  for (int i = 0; i < digits; ++i) {
    fraction.insert(fraction.begin(), static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
  }
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude);
  if (digits > 0) out += "." + fraction;
  if (!currency.empty()) {
    out += ' ';
    out += upper(currency);
  }
  return out;
}

}  // namespace slotwise::notifier
