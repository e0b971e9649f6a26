// TimeZone: a handle on one IANA zone of the system tz database, and the
// conversions between a business's wall clock and real (UTC) instants.
//
// Every local wall-clock time maps to zero, one or two instants: none inside a
// spring-forward gap, two inside a fall-back overlap (earliest first). The
// availability rules are built on two derived conversions documented below:
// instants_at() (every instant the clock shows a time) and first_reaching()
// (the first instant the clock shows a time or later).
//
// Thread safety: a TimeZone is an immutable, copyable handle on tz data that
// lives for the whole process; share it freely. The tz database is loaded on
// first use under the date library's own once-initialisation.
// Errors: locate() returns TimeZoneError for a name that is not an IANA zone
// of the system database (or when that database cannot be read); it never
// throws. The conversions cannot fail.
// Limitation: Debian's tzdata files list transitions up to 2037 and the date
// library (USE_OS_TZDB) does not read their POSIX-rule footer, so rules after
// 2037 are those of the last listed period (e.g. New York stays on EST).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "domain/instant.h"

namespace date {
class time_zone;
}  // namespace date

namespace slotwise::domain {

enum class TimeZoneErrorCode {
  // Not a well-formed IANA name, or not in the database.
  unknown_zone,
  // The system tz database (/usr/share/zoneinfo) could not be loaded.
  database_unavailable,
};

struct TimeZoneError {
  TimeZoneErrorCode code;
  std::string name;
};

// The instants at which the wall clock shows one local time: 0, 1 or 2 of
// them, ascending. A fixed-size value so the hot slot loop never allocates.
class LocalInstants {
 public:
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  const Instant* begin() const { return at_.data(); }
  const Instant* end() const { return at_.data() + size_; }
  Instant operator[](std::size_t i) const { return at_[i]; }

 private:
  friend class TimeZone;
  void push_back(Instant t) { at_[size_++] = t; }

  std::array<Instant, 2> at_{};
  std::size_t size_ = 0;
};

// A wall-clock reading: the local date and the seconds since its midnight.
struct LocalReading {
  LocalDate date;
  std::chrono::seconds time_of_day;
};

class TimeZone {
 public:
  // Accepts canonical names and tzdb links ("Europe/London", "UTC",
  // "US/Eastern"); rejects anything not shaped like one ("localtime",
  // "../x", "") before touching the database.
  static common::Result<TimeZone, TimeZoneError> locate(std::string_view iana_name);

  [[nodiscard]] std::string_view name() const;

  // Every instant at which the clock reads local_date + minute_of_day
  // (minute_of_day may be 1440, meaning the next midnight).
  [[nodiscard]] LocalInstants instants_at(LocalDate local_date, int minute_of_day) const;
  [[nodiscard]] LocalInstants instants_at(date::local_seconds local) const;

  // The first instant at which the clock reads `local` or later: the earliest
  // instant of an ambiguous time, and the end of the gap (the transition
  // instant) for a time that does not exist. Monotonic in `local`, which is
  // what lets local intervals keep their order and adjacency in UTC.
  [[nodiscard]] Instant first_reaching(date::local_seconds local) const;

  // What the clock shows at instant t.
  [[nodiscard]] LocalReading reading(Instant t) const;

  friend bool operator==(const TimeZone& a, const TimeZone& b) { return a.tz_ == b.tz_; }

 private:
  explicit TimeZone(const date::time_zone* tz) : tz_(tz) {}

  const date::time_zone* tz_;
};

}  // namespace slotwise::domain
