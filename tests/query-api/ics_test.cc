// RFC 5545 details of the calendar feed: line folding at 75 octets without
// splitting UTF-8, TEXT escaping, CRLF, stable UIDs and cancelled status.
#include "query-api/ics.h"

#include <doctest/doctest.h>

namespace slotwise::query {

namespace {

// The content line a folded one stands for, checking each physical line
// holds at most 75 octets and each continuation starts with a space.
std::string unfold(const std::string& folded) {
  std::string unfolded;
  std::size_t at = 0;
  while (at < folded.size()) {
    const std::size_t end = folded.find("\r\n", at);
    REQUIRE(end != std::string::npos);
    CHECK(end - at <= 75);
    std::string_view part(folded.data() + at, end - at);
    if (at > 0) {
      REQUIRE(part.front() == ' ');
      part.remove_prefix(1);
    }
    unfolded += part;
    at = end + 2;
  }
  return unfolded;
}

}  // namespace

TEST_CASE("content lines are folded at 75 octets, never inside a UTF-8 character") {
  CHECK(fold_line("SUMMARY:short") == "SUMMARY:short\r\n");
  const std::string long_line = "DESCRIPTION:" + std::string(200, 'x');
  CHECK(unfold(fold_line(long_line)) == long_line);

  // 'é' is two octets; a fold never separates them.
  std::string accents = "SUMMARY:";
  for (int i = 0; i < 60; ++i) accents += "\xc3\xa9";
  const std::string f = fold_line(accents);
  for (std::size_t i = 0; i + 2 < f.size(); ++i) {
    if (f.compare(i, 3, "\r\n ") == 0) {
      CHECK((static_cast<unsigned char>(f[i + 3]) & 0xC0U) != 0x80U);
    }
  }
}

TEST_CASE("a line of bytes that are not UTF-8 is still folded, and the fold ends") {
  const std::string junk = "X:" + std::string(300, '\x80');
  CHECK(unfold(fold_line(junk)) == junk);
}

TEST_CASE("TEXT values escape backslash, semicolon, comma and newline") {
  CHECK(escape_text("a\\b;c,d\ne\r") == "a\\\\b\\;c\\,d\\ne");
}

TEST_CASE("a calendar without bookings still holds one component, as RFC 5545 requires") {
  BusinessRow b;
  b.name = "New";
  const std::string ics = render_calendar(b, {});
  CHECK(ics.find("BEGIN:VTIMEZONE\r\nTZID:UTC\r\nBEGIN:STANDARD\r\n") != std::string::npos);
  CHECK(ics.find("END:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n") != std::string::npos);
  CHECK(ics.find("VEVENT") == std::string::npos);
  // With bookings the events are the components.
  BookingRow k;
  k.booking_id = "bkg_1";
  k.status = "confirmed";
  CHECK(render_calendar(b, {k}).find("VTIMEZONE") == std::string::npos);
}

TEST_CASE("a calendar has stable UIDs, UTC times and cancelled bookings") {
  BusinessRow b;
  b.name = "Studio, A";
  BookingRow k;
  k.booking_id = "bkg_1";
  k.status = "cancelled";
  k.service_name = "Cut";
  k.customer_name = "Ann";
  k.start = domain::Instant{std::chrono::seconds{1'779'786'000}};
  k.end = k.start + std::chrono::hours(1);
  const std::string ics = render_calendar(b, {k});
  CHECK(ics.find("X-WR-CALNAME:Studio\\, A\r\n") != std::string::npos);
  CHECK(ics.find("UID:bkg_1@slotwise\r\n") != std::string::npos);
  CHECK(ics.find("DTSTART:20260526T090000Z\r\n") != std::string::npos);
  CHECK(ics.find("DTEND:20260526T100000Z\r\n") != std::string::npos);
  CHECK(ics.find("STATUS:CANCELLED\r\n") != std::string::npos);
  CHECK(ics.ends_with("END:VCALENDAR\r\n"));
  // A subscribed feed is a plain RFC 5545 object, not a scheduling message:
  // no METHOD (which would require an ORGANIZER and make DTSTAMP the render
  // time); DTSTAMP is the booking's last change.
  CHECK(ics.find("METHOD") == std::string::npos);
  CHECK(ics.find("ORGANIZER") == std::string::npos);
}

TEST_CASE("an organizer's name is quoted, without the characters a quoted value cannot hold") {
  domain::IcsCalendar cal;
  domain::IcsEvent e;
  e.uid = "bkg_1@slotwise";
  e.status = "CONFIRMED";
  e.organizer_name = "Anna \"The Cut\"; Hair, Ltd\x01";
  e.organizer_email = "anna@example.com";
  cal.events.push_back(e);
  CHECK(domain::render_ics(cal).find(
            "ORGANIZER;CN=\"Anna The Cut; Hair, Ltd\":mailto:anna@example.com\r\n") !=
        std::string::npos);
  e.organizer_email.clear();
  cal.events = {e};
  CHECK(domain::render_ics(cal).find("ORGANIZER") == std::string::npos);
}

}  // namespace slotwise::query
