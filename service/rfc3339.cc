#include "service/rfc3339.h"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace slotwise::service {
namespace {

using common::fail;

// Reads exactly `n` ASCII digits at text[pos]; false if any is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

void append_digits(std::string& out, long long value, int width) {
  if (value < 0) {  // only reachable outside the documented year range
    out += '-';
    value = -value;
  }
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  out += digits;
}

// "YYYY-MM-DDTHH:MM:SS" of a UTC-shifted time point.
void append_date_time(std::string& out, std::chrono::sys_seconds local) {
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> tod{local - day};
  append_digits(out, static_cast<int>(ymd.year()), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, tod.hours().count(), 2);
  out += ':';
  append_digits(out, tod.minutes().count(), 2);
  out += ':';
  append_digits(out, tod.seconds().count(), 2);
}

// Parses "[.fraction](Z|z|+hh:mm|-hh:mm)" exactly, returning the offset.
common::Result<std::chrono::minutes, std::string> parse_tail(std::string_view tail) {
  std::size_t pos = 0;
  if (pos < tail.size() && tail[pos] == '.') {
    const std::size_t first = ++pos;
    while (pos < tail.size() && tail[pos] >= '0' && tail[pos] <= '9') ++pos;
    const std::size_t digits = pos - first;
    if (digits == 0 || digits > 9) {
      return fail(std::string("fraction of a second must be 1-9 digits"));
    }
    // The digits are dropped on purpose: see the header (truncation).
  }
  if (pos >= tail.size()) return fail(std::string("missing UTC offset (Z or +hh:mm)"));
  std::chrono::minutes offset{0};
  const char sign = tail[pos];
  if (sign == 'Z' || sign == 'z') {
    ++pos;
  } else if (sign == '+' || sign == '-') {
    int off_h = 0;
    int off_m = 0;
    if (!(read_digits(tail, pos + 1, 2, off_h) && pos + 3 < tail.size() && tail[pos + 3] == ':' &&
          read_digits(tail, pos + 4, 2, off_m))) {
      return fail(std::string("UTC offset must be Z or +hh:mm / -hh:mm"));
    }
    if (off_h > 23 || off_m > 59) return fail(std::string("UTC offset out of range"));
    offset = std::chrono::hours{off_h} + std::chrono::minutes{off_m};
    if (sign == '-') offset = -offset;
    pos += 6;
  } else {
    return fail(std::string("missing UTC offset (Z or +hh:mm)"));
  }
  if (pos != tail.size()) return fail(std::string("unexpected characters after the UTC offset"));
  return offset;
}

}  // namespace

common::Result<std::chrono::sys_seconds, std::string> parse_rfc3339(std::string_view text) {
  // Fixed layout up to the seconds: YYYY-MM-DDTHH:MM:SS (19 characters).
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  const bool layout_ok =
      text.size() >= 19 && read_digits(text, 0, 4, year) && text[4] == '-' &&
      read_digits(text, 5, 2, month) && text[7] == '-' && read_digits(text, 8, 2, day) &&
      (text[10] == 'T' || text[10] == 't') && read_digits(text, 11, 2, hour) && text[13] == ':' &&
      read_digits(text, 14, 2, minute) && text[16] == ':' && read_digits(text, 17, 2, second);
  if (!layout_ok) {
    return fail(std::string("expected an RFC 3339 timestamp like 2026-03-14T09:30:00+01:00"));
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return fail(std::string("date does not exist in the calendar"));
  if (hour > 23) return fail(std::string("hour must be 00-23"));
  if (minute > 59) return fail(std::string("minute must be 00-59"));
  if (second > 60) return fail(std::string("second must be 00-60"));

  // What follows the seconds: an optional fraction, then the offset.
  auto offset = parse_tail(text.substr(19));
  if (!offset.ok()) return fail(std::move(offset).error());

  // Local wall clock minus its offset is UTC. Second 60 simply overflows into
  // the next minute, which is how POSIX time reads a leap second.
  const std::chrono::sys_seconds local = std::chrono::sys_days{ymd} + std::chrono::hours{hour} +
                                         std::chrono::minutes{minute} +
                                         std::chrono::seconds{second};
  return local - offset.value();
}

std::string format_rfc3339(std::chrono::sys_seconds t, std::chrono::minutes utc_offset) {
  std::string out;
  out.reserve(25);
  append_date_time(out, t + utc_offset);
  if (utc_offset.count() == 0) {
    out += 'Z';
    return out;
  }
  const long long total = utc_offset.count();
  const long long magnitude = total < 0 ? -total : total;
  out += total < 0 ? '-' : '+';
  append_digits(out, magnitude / 60, 2);
  out += ':';
  append_digits(out, magnitude % 60, 2);
  return out;
}

std::string format_rfc3339_millis(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  std::string out;
  out.reserve(24);
  append_date_time(out, secs);
  out += '.';
  append_digits(out, (ms - secs).count(), 3);
  out += 'Z';
  return out;
}

}  // namespace slotwise::service
