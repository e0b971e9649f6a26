// RFC 5545 (iCalendar) rendering shared by the query API's calendar feed and
// the notifier's .ics attachments: UTC times (no VTIMEZONE needed), CRLF line
// ends, lines folded at 75 octets (never inside a UTF-8 sequence), TEXT
// values escaped, one VEVENT per IcsEvent (a calendar without events holds
// a UTC VTIMEZONE instead: RFC 5545 requires one component).
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/instant.h"

namespace slotwise::domain {

struct IcsEvent {
  std::string uid;  // stable across updates, e.g. "<booking_id>@slotwise"
  Instant stamp{};  // DTSTAMP
  Instant start{};
  Instant end{};
  std::string summary;
  std::string description;
  std::string location;  // omitted when empty
  std::string url;       // URL (a URI, not escaped as TEXT), omitted when empty
  std::string status;    // CONFIRMED, TENTATIVE or CANCELLED
  int sequence = 0;      // SEQUENCE: bumped when the event changes (reschedules)
  // ORGANIZER;CN="<name>":mailto:<email>, omitted when the email is empty.
  // RFC 5546 requires it in a PUBLISH object (the emailed invitations).
  std::string organizer_name;
  std::string organizer_email;
};

struct IcsCalendar {
  // PUBLISH, REQUEST or CANCEL; empty for a plain RFC 5545 object with no
  // METHOD (a subscribed feed: there DTSTAMP is the last revision's time).
  std::string method = "PUBLISH";
  std::string name;  // X-WR-CALNAME, omitted when empty
  std::vector<IcsEvent> events;
};

// One content line, folded: CRLF + space before octet 76, 151, ...
[[nodiscard]] std::string ics_fold_line(std::string_view line);
// TEXT escaping: backslash, semicolon, comma, newline.
[[nodiscard]] std::string ics_escape_text(std::string_view text);
// "20260525T090000Z".
[[nodiscard]] std::string ics_utc(Instant t);

[[nodiscard]] std::string render_ics(const IcsCalendar& calendar);

}  // namespace slotwise::domain
