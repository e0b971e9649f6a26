// Instant and UtcInterval: the vocabulary for real points and spans of time in
// the domain library. An Instant is a UTC time point with whole seconds (the
// event log's Timestamps are truncated to seconds before they get here); a
// local date is a date::local_days in the business's IANA zone.
//
// Thread safety: plain values.
// Errors: none.
#pragma once

#include <chrono>

#include <date/date.h>

namespace slotwise::domain {

using Instant = std::chrono::sys_seconds;
using LocalDate = date::local_days;

// Half-open [start, end): two intervals that only touch do not overlap, so a
// booking may end exactly when the next one begins.
struct UtcInterval {
  Instant start;
  Instant end;

  friend bool operator==(const UtcInterval&, const UtcInterval&) = default;
};

}  // namespace slotwise::domain
