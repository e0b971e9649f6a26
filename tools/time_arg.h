// Time arguments of the CLI (--from-time, --to-time, --at-time): RFC 3339
// with a required offset ("2026-11-25T14:00:00Z"), as everywhere in SlotWise
// (service/rfc3339.h), converted to nanoseconds since the epoch.
//
// Thread safety: pure function.
// Errors: a message naming the option and what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace slotwise::tools {

[[nodiscard]] common::Result<std::int64_t, std::string> parse_time_arg(std::string_view option,
                                                                       std::string_view text);

}  // namespace slotwise::tools
