#include "query-api/ics.h"

#include <date/date.h>

namespace slotwise::query {
namespace {

std::string utc(domain::Instant t) { return date::format("%Y%m%dT%H%M%SZ", t); }

const char* ics_status(const std::string& status) {
  if (status == "cancelled" || status == "expired") return "CANCELLED";
  if (status == "tentative") return "TENTATIVE";
  return "CONFIRMED";
}

bool is_continuation(unsigned char c) { return (c & 0xC0U) == 0x80U; }

}  // namespace

std::string fold_line(std::string_view line) {
  std::string out;
  std::size_t limit = 75;  // octets on the first line; 74 + the leading space after
  while (line.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && is_continuation(static_cast<unsigned char>(line[cut]))) --cut;
    out.append(line.substr(0, cut));
    out.append("\r\n ");
    line.remove_prefix(cut);
    limit = 74;
  }
  out.append(line);
  out.append("\r\n");
  return out;
}

std::string escape_text(std::string_view text) {
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

std::string render_calendar(const BusinessRow& business, const std::vector<BookingRow>& bookings) {
  std::string out;
  out += fold_line("BEGIN:VCALENDAR");
  out += fold_line("VERSION:2.0");
  out += fold_line("PRODID:-//SlotWise//Bookings//EN");
  out += fold_line("CALSCALE:GREGORIAN");
  out += fold_line("METHOD:PUBLISH");
  out += fold_line("X-WR-CALNAME:" + escape_text(business.name));
  for (const BookingRow& b : bookings) {
    out += fold_line("BEGIN:VEVENT");
    out += fold_line("UID:" + b.booking_id + "@slotwise");
    out += fold_line("DTSTAMP:" + utc(b.updated_at));
    out += fold_line("DTSTART:" + utc(b.start));
    out += fold_line("DTEND:" + utc(b.end));
    out += fold_line("SUMMARY:" +
                     escape_text((b.service_name.empty() ? b.service_id : b.service_name) + " - " +
                                 b.customer_name));
    std::string description = "Customer: " + b.customer_name + " <" + b.customer_email + ">";
    if (!b.customer_phone.empty()) description += "\nPhone: " + b.customer_phone;
    if (!b.notes.empty()) description += "\nNotes: " + b.notes;
    out += fold_line("DESCRIPTION:" + escape_text(description));
    out += fold_line(std::string("STATUS:") + ics_status(b.status));
    out += fold_line("END:VEVENT");
  }
  out += fold_line("END:VCALENDAR");
  return out;
}

}  // namespace slotwise::query
