// RFC 3339 timestamps: the only textual time format SlotWise's APIs accept or
// produce ("2026-03-14T09:30:00+01:00", "2026-03-14T08:30:00Z").
//
// Parsing is strict because a booking time read wrongly is a double booking or
// a missed appointment:
//  - the offset is REQUIRED ("Z", "z" or ±hh:mm). A time without one is a local
//    time in an unknown zone, and guessing would silently shift bookings.
//  - the calendar is validated: 2026-02-30, 2025-02-29, hour 24, minute 60 and
//    second 61 are errors; 2024-02-29 is fine.
//  - second 60 (a leap second) is accepted and read as the first second of the
//    next minute, because POSIX time (sys_seconds) has no leap seconds.
//  - fractional seconds (up to 9 digits) are accepted and TRUNCATED to the
//    whole second: browsers' Date.toISOString() always sends ".000", and every
//    SlotWise time is whole seconds (slots are whole minutes).
//  - "T" may be written "t" (RFC 3339 §5.6); a space separator is refused.
//  - years are exactly four digits, 0000-9999; offsets at most ±23:59.
//
// Thread safety: pure functions.
// Errors: parse_rfc3339 returns a message naming what is wrong (for a 4xx
// body); the formatters cannot fail.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace slotwise::service {

// The instant `text` denotes.
[[nodiscard]] common::Result<std::chrono::sys_seconds, std::string> parse_rfc3339(
    std::string_view text);

// `t` as the wall clock at `utc_offset` shows it: "2026-03-14T09:30:00+01:00";
// an offset of zero is written "Z". Precondition: |utc_offset| < 24 h and the
// local year is within 0000-9999.
[[nodiscard]] std::string format_rfc3339(std::chrono::sys_seconds t,
                                         std::chrono::minutes utc_offset = std::chrono::minutes{0});

// `t` in UTC with milliseconds, "2026-03-14T08:30:00.123Z": log timestamps.
[[nodiscard]] std::string format_rfc3339_millis(std::chrono::system_clock::time_point t);

}  // namespace slotwise::service
