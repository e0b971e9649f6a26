#include "tools/time_arg.h"

#include <chrono>

#include "service/rfc3339.h"

namespace slotwise::tools {

common::Result<std::int64_t, std::string> parse_time_arg(std::string_view option,
                                                         std::string_view text) {
  auto t = service::parse_rfc3339(text);
  if (!t) {
    return common::fail(std::string(option) + ": '" + std::string(text) +
                        "' is not an RFC 3339 time with offset (" + t.error() + ")");
  }
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.value().time_since_epoch());
  if (ns.count() <= 0) return common::fail(std::string(option) + ": time must be after 1970");
  return static_cast<std::int64_t>(ns.count());
}

}  // namespace slotwise::tools
