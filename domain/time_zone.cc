#include "domain/time_zone.h"

#include <exception>
#include <string>

#include <date/tz.h>

namespace slotwise::domain {
namespace {

// IANA names are '/'-separated components that start with an upper-case
// letter and use [A-Za-z0-9_+-]. Checking the shape first keeps files of the
// zoneinfo directory that are not zones ("localtime", "posixrules") and path
// tricks out of the lookup.
bool looks_like_iana_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  bool component_start = true;
  for (const char c : name) {
    if (c == '/') {
      if (component_start) return false;
      component_start = true;
      continue;
    }
    const bool upper = c >= 'A' && c <= 'Z';
    const bool other =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
    if (component_start && !upper) return false;
    if (!upper && !other) return false;
    component_start = false;
  }
  return !component_start;
}

}  // namespace

common::Result<TimeZone, TimeZoneError> TimeZone::locate(std::string_view iana_name) {
  if (!looks_like_iana_name(iana_name)) {
    return common::fail(TimeZoneError{TimeZoneErrorCode::unknown_zone, std::string(iana_name)});
  }
  // The date library reports both a missing database and an unknown name by
  // throwing; this is the one place we translate that into values.
  try {
    (void)date::get_tzdb();
  } catch (const std::exception&) {
    return common::fail(
        TimeZoneError{TimeZoneErrorCode::database_unavailable, std::string(iana_name)});
  }
  try {
    const date::time_zone* tz = date::locate_zone(iana_name);
    // Zone files are parsed lazily on first use, which can also throw: force
    // it now so the conversions below never do.
    (void)tz->get_info(date::sys_seconds{});
    return TimeZone(tz);
  } catch (const std::exception&) {
    return common::fail(TimeZoneError{TimeZoneErrorCode::unknown_zone, std::string(iana_name)});
  }
}

std::string_view TimeZone::name() const { return tz_->name(); }

LocalInstants TimeZone::instants_at(LocalDate local_date, int minute_of_day) const {
  return instants_at(date::local_seconds{local_date} + std::chrono::minutes{minute_of_day});
}

LocalInstants TimeZone::instants_at(date::local_seconds local) const {
  const date::local_info info = tz_->get_info(local);
  LocalInstants out;
  switch (info.result) {
    case date::local_info::unique:
      out.push_back(date::sys_seconds{local.time_since_epoch() - info.first.offset});
      break;
    case date::local_info::ambiguous:
      out.push_back(date::sys_seconds{local.time_since_epoch() - info.first.offset});
      out.push_back(date::sys_seconds{local.time_since_epoch() - info.second.offset});
      break;
    case date::local_info::nonexistent:
      break;
  }
  return out;
}

Instant TimeZone::first_reaching(date::local_seconds local) const {
  const date::local_info info = tz_->get_info(local);
  if (info.result == date::local_info::nonexistent) {
    return info.second.begin;
  }
  return date::sys_seconds{local.time_since_epoch() - info.first.offset};
}

LocalReading TimeZone::reading(Instant t) const {
  const date::sys_info info = tz_->get_info(t);
  const date::local_seconds local{t.time_since_epoch() + info.offset};
  const LocalDate day = date::floor<date::days>(local);
  return LocalReading{day, local - date::local_seconds{day}};
}

}  // namespace slotwise::domain
