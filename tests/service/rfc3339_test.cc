// RFC 3339: offsets are mandatory and applied, the calendar is validated,
// fractions are truncated, formatting round-trips.
#include "service/rfc3339.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using slotwise::service::format_rfc3339;
using slotwise::service::format_rfc3339_millis;
using slotwise::service::parse_rfc3339;

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year;

sys_seconds utc(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / static_cast<int>(m) / static_cast<int>(d)} + hours{h} + minutes{mi} +
         seconds{s};
}

std::string error_of(const std::string& text) {
  auto r = parse_rfc3339(text);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace

TEST_CASE("Z and numeric offsets are applied to reach UTC") {
  CHECK(parse_rfc3339("2026-03-14T09:30:00Z").value() == utc(2026, 3, 14, 9, 30));
  CHECK(parse_rfc3339("2026-03-14T09:30:00z").value() == utc(2026, 3, 14, 9, 30));
  CHECK(parse_rfc3339("2026-03-14T09:30:00+01:00").value() == utc(2026, 3, 14, 8, 30));
  CHECK(parse_rfc3339("2026-03-14T09:30:00-05:00").value() == utc(2026, 3, 14, 14, 30));
  CHECK(parse_rfc3339("2026-03-14t09:30:00+05:45").value() == utc(2026, 3, 14, 3, 45));
  // Offsets move the date across midnight and year ends.
  CHECK(parse_rfc3339("2026-01-01T00:30:00+14:00").value() == utc(2025, 12, 31, 10, 30));
  CHECK(parse_rfc3339("2025-12-31T23:00:00-11:00").value() == utc(2026, 1, 1, 10, 0));
  CHECK(parse_rfc3339("2026-03-14T09:30:00-00:00").value() == utc(2026, 3, 14, 9, 30));
}

TEST_CASE("a timestamp without an offset is refused") {
  CHECK(error_of("2026-03-14T09:30:00") == "missing UTC offset (Z or +hh:mm)");
  CHECK(error_of("2026-03-14T09:30:00.500") == "missing UTC offset (Z or +hh:mm)");
  CHECK(error_of("2026-03-14T09:30:00 Z") == "missing UTC offset (Z or +hh:mm)");
}

TEST_CASE("dates and times that do not exist are refused") {
  CHECK(error_of("2026-02-30T10:00:00Z") == "date does not exist in the calendar");
  CHECK(error_of("2025-02-29T10:00:00Z") == "date does not exist in the calendar");
  CHECK(error_of("2026-13-01T10:00:00Z") == "date does not exist in the calendar");
  CHECK(error_of("2026-04-31T10:00:00Z") == "date does not exist in the calendar");
  CHECK(error_of("2026-00-10T10:00:00Z") == "date does not exist in the calendar");
  CHECK(error_of("2026-03-14T24:00:00Z") == "hour must be 00-23");
  CHECK(error_of("2026-03-14T23:60:00Z") == "minute must be 00-59");
  CHECK(error_of("2026-03-14T23:59:61Z") == "second must be 00-60");
}

TEST_CASE("leap years: Feb 29 exists in 2024 and 2000, not in 2100") {
  CHECK(parse_rfc3339("2024-02-29T12:00:00Z").value() == utc(2024, 2, 29, 12));
  CHECK(parse_rfc3339("2000-02-29T12:00:00Z").value() == utc(2000, 2, 29, 12));
  CHECK(error_of("2100-02-29T12:00:00Z") == "date does not exist in the calendar");
}

TEST_CASE("a leap second reads as the first second of the next minute") {
  CHECK(parse_rfc3339("2016-12-31T23:59:60Z").value() == utc(2017, 1, 1));
}

TEST_CASE("fractional seconds are truncated, up to nine digits") {
  CHECK(parse_rfc3339("2026-03-14T09:30:00.999Z").value() == utc(2026, 3, 14, 9, 30));
  CHECK(parse_rfc3339("2026-03-14T09:30:05.123456789+00:00").value() == utc(2026, 3, 14, 9, 30, 5));
  CHECK(error_of("2026-03-14T09:30:00.Z") == "fraction of a second must be 1-9 digits");
  CHECK(error_of("2026-03-14T09:30:00.1234567890Z") == "fraction of a second must be 1-9 digits");
}

TEST_CASE("malformed layouts and offsets are refused") {
  const std::string layout = "expected an RFC 3339 timestamp like 2026-03-14T09:30:00+01:00";
  CHECK(error_of("") == layout);
  CHECK(error_of("2026-3-14T09:30:00Z") == layout);
  CHECK(error_of("2026-03-14 09:30:00Z") == layout);
  CHECK(error_of("2026-03-14T09:30Z") == layout);
  CHECK(error_of("+2026-03-14T09:30:00Z") == layout);
  CHECK(error_of("2026-03-14T09:30:00+0100") == "UTC offset must be Z or +hh:mm / -hh:mm");
  CHECK(error_of("2026-03-14T09:30:00+01") == "UTC offset must be Z or +hh:mm / -hh:mm");
  CHECK(error_of("2026-03-14T09:30:00+24:00") == "UTC offset out of range");
  CHECK(error_of("2026-03-14T09:30:00+01:60") == "UTC offset out of range");
  CHECK(error_of("2026-03-14T09:30:00Zjunk") == "unexpected characters after the UTC offset");
  CHECK(error_of("2026-03-14T09:30:00+01:00 ") == "unexpected characters after the UTC offset");
}

TEST_CASE("formatting writes the wall clock at the given offset") {
  const sys_seconds t = utc(2026, 3, 14, 8, 30);
  CHECK(format_rfc3339(t) == "2026-03-14T08:30:00Z");
  CHECK(format_rfc3339(t, hours{1}) == "2026-03-14T09:30:00+01:00");
  CHECK(format_rfc3339(t, -(hours{9} + minutes{30})) == "2026-03-13T23:00:00-09:30");
  CHECK(format_rfc3339(t, hours{5} + minutes{45}) == "2026-03-14T14:15:00+05:45");
  CHECK(format_rfc3339(utc(1, 1, 1)) == "0001-01-01T00:00:00Z");
}

TEST_CASE("formatting and parsing round-trip at any offset") {
  const sys_seconds t = utc(2024, 2, 29, 23, 59, 59);
  for (const minutes offset : {minutes{0}, minutes{-720}, minutes{840}, minutes{345}}) {
    CHECK(parse_rfc3339(format_rfc3339(t, offset)).value() == t);
  }
}

TEST_CASE("log timestamps are UTC with milliseconds") {
  const auto t = std::chrono::system_clock::time_point{utc(2026, 3, 14, 8, 30, 5)} +
                 std::chrono::microseconds{123999};
  CHECK(format_rfc3339_millis(t) == "2026-03-14T08:30:05.123Z");
}
