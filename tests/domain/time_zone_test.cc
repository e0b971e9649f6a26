// TimeZone: locating IANA zones and converting wall-clock times to instants
// across gaps, overlaps, odd offsets and skipped dates.
#include "domain/time_zone.h"

#include <doctest/doctest.h>

#include <chrono>

#include "test_support.h"

namespace slotwise::domain {
namespace {

using std::chrono::minutes;
using test::iso;
using test::utc;
using test::ymd;

std::string instants(const TimeZone& z, LocalDate d, int minute) {
  const LocalInstants found = z.instants_at(d, minute);
  return iso(std::vector<Instant>(found.begin(), found.end()));
}

TEST_CASE("locate accepts canonical zones and links") {
  for (const char* name :
       {"America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu",
        "Pacific/Apia", "Pacific/Kiritimati", "UTC", "Etc/GMT+5", "US/Eastern"}) {
    CAPTURE(name);
    const auto z = TimeZone::locate(name);
    REQUIRE(z.ok());
    CHECK(z->name() == name);
  }
}

TEST_CASE("locate returns unknown_zone instead of throwing for names that are not zones") {
  for (const char* name :
       {"", "Mars/Olympus_Mons", "america/new_york", "localtime", "posixrules", "../etc/passwd",
        "Europe//London", "Europe/London/", "/Europe/London", "Europe/London ", "Factory"}) {
    CAPTURE(name);
    const auto z = TimeZone::locate(name);
    REQUIRE_FALSE(z.ok());
    CHECK(z.error().code == TimeZoneErrorCode::unknown_zone);
    CHECK(z.error().name == name);
  }
}

TEST_CASE("handles to the same zone compare equal") {
  CHECK(test::zone("Europe/London") == test::zone("Europe/London"));
  CHECK_FALSE(test::zone("Europe/London") == test::zone("Europe/Paris"));
}

TEST_CASE("New York 2026-03-08: the skipped hour has no instants") {
  const TimeZone ny = test::zone("America/New_York");
  CHECK(instants(ny, ymd(2026, 3, 8), 90) == "2026-03-08T06:30Z");   // 01:30 EST
  CHECK(instants(ny, ymd(2026, 3, 8), 120).empty());                 // 02:00
  CHECK(instants(ny, ymd(2026, 3, 8), 159).empty());                 // 02:59
  CHECK(instants(ny, ymd(2026, 3, 8), 180) == "2026-03-08T07:00Z");  // 03:00 EDT
}

TEST_CASE("New York 2026-11-01: the repeated hour has two instants, earliest first") {
  const TimeZone ny = test::zone("America/New_York");
  CHECK(instants(ny, ymd(2026, 11, 1), 59) == "2026-11-01T04:59Z");
  CHECK(instants(ny, ymd(2026, 11, 1), 60) == "2026-11-01T05:00Z 2026-11-01T06:00Z");
  CHECK(instants(ny, ymd(2026, 11, 1), 119) == "2026-11-01T05:59Z 2026-11-01T06:59Z");
  CHECK(instants(ny, ymd(2026, 11, 1), 120) == "2026-11-01T07:00Z");
}

TEST_CASE("minute 1440 is the next midnight") {
  const TimeZone ny = test::zone("America/New_York");
  CHECK(instants(ny, ymd(2026, 7, 1), 1440) == "2026-07-02T04:00Z");
}

TEST_CASE("London 2026: gap 01:00-02:00 on Mar 29, overlap 01:00-02:00 on Oct 25") {
  const TimeZone london = test::zone("Europe/London");
  CHECK(instants(london, ymd(2026, 3, 29), 60).empty());
  CHECK(instants(london, ymd(2026, 3, 29), 120) == "2026-03-29T01:00Z");
  CHECK(instants(london, ymd(2026, 10, 25), 90) == "2026-10-25T00:30Z 2026-10-25T01:30Z");
}

TEST_CASE("Lord Howe shifts by 30 minutes") {
  const TimeZone lh = test::zone("Australia/Lord_Howe");
  // 2026-10-04 02:00 +10:30 -> 02:30 +11.
  CHECK(instants(lh, ymd(2026, 10, 4), 119) == "2026-10-03T15:29Z");
  CHECK(instants(lh, ymd(2026, 10, 4), 120).empty());
  CHECK(instants(lh, ymd(2026, 10, 4), 149).empty());
  CHECK(instants(lh, ymd(2026, 10, 4), 150) == "2026-10-03T15:30Z");
  // 2026-04-05 02:00 +11 -> 01:30 +10:30.
  CHECK(instants(lh, ymd(2026, 4, 5), 89) == "2026-04-04T14:29Z");
  CHECK(instants(lh, ymd(2026, 4, 5), 90) == "2026-04-04T14:30Z 2026-04-04T15:00Z");
  CHECK(instants(lh, ymd(2026, 4, 5), 119) == "2026-04-04T14:59Z 2026-04-04T15:29Z");
  CHECK(instants(lh, ymd(2026, 4, 5), 120) == "2026-04-04T15:30Z");
}

TEST_CASE("Kathmandu is +05:45") {
  const TimeZone ktm = test::zone("Asia/Kathmandu");
  CHECK(instants(ktm, ymd(2026, 6, 15), 9 * 60) == "2026-06-15T03:15Z");
  const LocalReading r = ktm.reading(utc(2026, 6, 15, 18, 15));
  CHECK(r.date == ymd(2026, 6, 16));
  CHECK(r.time_of_day == std::chrono::hours{0});
}

TEST_CASE("a skipped date has no instants at all") {
  const TimeZone apia = test::zone("Pacific/Apia");
  const TimeZone kiritimati = test::zone("Pacific/Kiritimati");
  for (int m = 0; m < 1440; ++m) {
    CAPTURE(m);
    CHECK(apia.instants_at(ymd(2011, 12, 30), m).empty());
    CHECK(kiritimati.instants_at(ymd(1994, 12, 31), m).empty());
  }
  // Apia: 2011-12-29 23:59 -10 is followed by 2011-12-31 00:00 +14.
  CHECK(instants(apia, ymd(2011, 12, 29), 1439) == "2011-12-30T09:59Z");
  CHECK(instants(apia, ymd(2011, 12, 31), 0) == "2011-12-30T10:00Z");
  // Kiritimati: 1994-12-30 23:59 -10 is followed by 1995-01-01 00:00 +14.
  CHECK(instants(kiritimati, ymd(1994, 12, 30), 1439) == "1994-12-31T09:59Z");
  CHECK(instants(kiritimati, ymd(1995, 1, 1), 0) == "1994-12-31T10:00Z");
}

TEST_CASE("first_reaching: the earliest instant, or the end of the gap") {
  const TimeZone ny = test::zone("America/New_York");
  const auto local = [](LocalDate d, int h, int m) {
    return date::local_seconds{d} + std::chrono::hours{h} + minutes{m};
  };
  CHECK(iso(ny.first_reaching(local(ymd(2026, 3, 8), 2, 30))) == "2026-03-08T07:00Z");
  CHECK(iso(ny.first_reaching(local(ymd(2026, 3, 8), 4, 0))) == "2026-03-08T08:00Z");
  CHECK(iso(ny.first_reaching(local(ymd(2026, 11, 1), 1, 30))) == "2026-11-01T05:30Z");
  CHECK(iso(ny.first_reaching(local(ymd(2026, 11, 1), 2, 0))) == "2026-11-01T07:00Z");
  const TimeZone apia = test::zone("Pacific/Apia");
  CHECK(iso(apia.first_reaching(local(ymd(2011, 12, 30), 12, 0))) == "2011-12-30T10:00Z");
}

TEST_CASE("reading shows the wall clock, including the second pass of a repeated hour") {
  const TimeZone ny = test::zone("America/New_York");
  const LocalReading first = ny.reading(utc(2026, 11, 1, 5, 30));
  const LocalReading second = ny.reading(utc(2026, 11, 1, 6, 30));
  CHECK(first.date == ymd(2026, 11, 1));
  CHECK(second.date == ymd(2026, 11, 1));
  CHECK(first.time_of_day == minutes{90});
  CHECK(second.time_of_day == minutes{90});
  const LocalReading with_seconds = ny.reading(utc(2026, 7, 1, 4, 0) + std::chrono::seconds{7});
  CHECK(with_seconds.time_of_day == std::chrono::seconds{7});
}

}  // namespace
}  // namespace slotwise::domain
