// The JetStream subject filter for --category / --aggregate options:
//   both      sw.evt.<category>.<id>
//   category  sw.evt.<category>.>
//   aggregate sw.evt.*.<id>  (ids are unique across categories)
//   neither   ""             (the whole log)
//
// Thread safety: pure function.
// Errors: a message when a value is not a valid subject token or the
// category is not one of the log's categories.
#pragma once

#include <string>

#include "common/result.h"

namespace slotwise::tools {

inline constexpr const char* kCategories = "account, email, business, slug, calendar, payment";

[[nodiscard]] bool is_known_category(const std::string& category);

[[nodiscard]] common::Result<std::string, std::string> subject_filter(const std::string& prefix,
                                                                      const std::string& category,
                                                                      const std::string& aggregate);

}  // namespace slotwise::tools
