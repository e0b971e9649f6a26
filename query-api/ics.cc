#include "query-api/ics.h"

namespace slotwise::query {
namespace {

const char* ics_status(const std::string& status) {
  if (status == "cancelled" || status == "expired") return "CANCELLED";
  if (status == "tentative") return "TENTATIVE";
  return "CONFIRMED";
}

}  // namespace

std::string render_calendar(const BusinessRow& business, const std::vector<BookingRow>& bookings) {
  domain::IcsCalendar cal;
  // A subscription, not a scheduling message: no METHOD, so each DTSTAMP
  // is the booking's last change (RFC 5545 3.8.7.2).
  cal.method.clear();
  cal.name = business.name;
  cal.events.reserve(bookings.size());
  for (const BookingRow& b : bookings) {
    domain::IcsEvent e;
    e.uid = b.booking_id + "@slotwise";
    e.stamp = b.updated_at;
    e.start = b.start;
    e.end = b.end;
    e.summary = (b.service_name.empty() ? b.service_id : b.service_name) + " - " + b.customer_name;
    e.description = "Customer: " + b.customer_name + " <" + b.customer_email + ">";
    if (!b.customer_phone.empty()) e.description += "\nPhone: " + b.customer_phone;
    if (!b.notes.empty()) e.description += "\nNotes: " + b.notes;
    e.status = ics_status(b.status);
    cal.events.push_back(std::move(e));
  }
  return domain::render_ics(cal);
}

}  // namespace slotwise::query
