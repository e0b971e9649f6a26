#include "tools/subject_filter.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "events/aggregate.h"

namespace slotwise::tools {

bool is_known_category(const std::string& category) {
  static constexpr std::array<std::string_view, 6> kKnown = {"account", "email",    "business",
                                                             "slug",    "calendar", "payment"};
  return std::ranges::any_of(kKnown, [&category](std::string_view k) { return k == category; });
}

common::Result<std::string, std::string> subject_filter(const std::string& prefix,
                                                        const std::string& category,
                                                        const std::string& aggregate) {
  if (!category.empty() && !is_known_category(category)) {
    return common::fail("unknown category '" + category + "' (one of " + kCategories + ")");
  }
  if (!aggregate.empty() && !events::is_valid_token(aggregate)) {
    return common::fail("'" + aggregate + "' is not a valid aggregate id");
  }
  if (category.empty() && aggregate.empty()) return std::string{};
  if (aggregate.empty()) return prefix + "." + category + ".>";
  if (category.empty()) return prefix + ".*." + aggregate;
  return prefix + "." + category + "." + aggregate;
}

}  // namespace slotwise::tools
