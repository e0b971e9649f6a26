#include "domain/ics.h"

#include <date/date.h>

namespace slotwise::domain {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0U) == 0x80U; }

// A parameter value inside DQUOTEs may hold any character but DQUOTE and
// controls (RFC 5545 QSAFE-CHAR); those are dropped.
std::string quoted_param(std::string_view value) {
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c != '"' && (u >= 0x20 || c == '\t') && u != 0x7F) out += c;
  }
  return out;
}

}  // namespace

std::string ics_utc(Instant t) { return date::format("%Y%m%dT%H%M%SZ", t); }

std::string ics_fold_line(std::string_view line) {
  std::string out;
  std::size_t limit = 75;  // octets on the first line; 74 + the leading space after
  while (line.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && is_continuation(static_cast<unsigned char>(line[cut]))) --cut;
    // Only bytes that are not UTF-8 (a run of 75 continuation bytes) leave
    // no character boundary to fold at: fold at the limit rather than loop.
    if (cut == 0) cut = limit;
    out.append(line.substr(0, cut));
    out.append("\r\n ");
    line.remove_prefix(cut);
    limit = 74;
  }
  out.append(line);
  out.append("\r\n");
  return out;
}

std::string ics_escape_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_ics(const IcsCalendar& calendar) {
  std::string out;
  out += ics_fold_line("BEGIN:VCALENDAR");
  out += ics_fold_line("VERSION:2.0");
  out += ics_fold_line("PRODID:-//SlotWise//Bookings//EN");
  out += ics_fold_line("CALSCALE:GREGORIAN");
  if (!calendar.method.empty()) out += ics_fold_line("METHOD:" + calendar.method);
  if (!calendar.name.empty())
    out += ics_fold_line("X-WR-CALNAME:" + ics_escape_text(calendar.name));
  if (calendar.events.empty()) {
    // RFC 5545 requires at least one component. A feed with no bookings yet
    // gets the time zone its times are in (UTC), which every client accepts
    // and shows nothing for.
    for (const char* line : {"BEGIN:VTIMEZONE", "TZID:UTC", "BEGIN:STANDARD",
                             "DTSTART:19700101T000000", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0000",
                             "TZNAME:UTC", "END:STANDARD", "END:VTIMEZONE"}) {
      out += ics_fold_line(line);
    }
  }
  for (const IcsEvent& e : calendar.events) {
    out += ics_fold_line("BEGIN:VEVENT");
    out += ics_fold_line("UID:" + e.uid);
    out += ics_fold_line("DTSTAMP:" + ics_utc(e.stamp));
    out += ics_fold_line("DTSTART:" + ics_utc(e.start));
    out += ics_fold_line("DTEND:" + ics_utc(e.end));
    if (e.sequence > 0) out += ics_fold_line("SEQUENCE:" + std::to_string(e.sequence));
    out += ics_fold_line("SUMMARY:" + ics_escape_text(e.summary));
    if (!e.description.empty())
      out += ics_fold_line("DESCRIPTION:" + ics_escape_text(e.description));
    if (!e.location.empty()) out += ics_fold_line("LOCATION:" + ics_escape_text(e.location));
    if (!e.url.empty()) out += ics_fold_line("URL:" + e.url);
    if (!e.organizer_email.empty()) {
      out += ics_fold_line("ORGANIZER;CN=\"" + quoted_param(e.organizer_name) +
                           "\":mailto:" + e.organizer_email);
    }
    out += ics_fold_line("STATUS:" + e.status);
    out += ics_fold_line("END:VEVENT");
  }
  out += ics_fold_line("END:VCALENDAR");
  return out;
}

}  // namespace slotwise::domain
