#include "notifier/templates.h"

#include <date/date.h>

#include <utility>

#include "domain/ics.h"
#include "domain/time_zone.h"
#include "notifier/money_text.h"

namespace slotwise::notifier {
namespace {

struct Lines {
  std::string heading;
  std::string intro;
};

std::string when(const BusinessFacts& biz, const BookingFacts& b, domain::Instant t) {
  std::string s = format_in_zone(t, biz.time_zone);
  if (!b.customer_time_zone.empty() && b.customer_time_zone != biz.time_zone) {
    s += " / " + format_in_zone(t, b.customer_time_zone);
  }
  return s;
}

std::string refund_amount(const BookingFacts& b) {
  return b.refund ? format_money(b.refund->amount_minor, b.refund->currency) : std::string();
}

// Stripe's refund failure_reason in words; the code itself is shown too.
std::string explain_failure(const RefundFacts& r) {
  if (r.status == "canceled") return "the refund was canceled";
  if (r.failure_reason == "expired_or_canceled_card") return "the card has expired or was closed";
  if (r.failure_reason == "lost_or_stolen_card") return "the card was reported lost or stolen";
  if (r.failure_reason == "declined") return "the card's bank declined the refund";
  if (r.failure_reason == "insufficient_funds") return "not enough funds to make the refund";
  return "Stripe could not complete the refund";
}

// The owner's failed-refund notice: what happened to the money, and that
// returning it is now the owner's job (SlotWise does not retry, ADR 0008).
std::string refund_failed_intro(const BookingFacts& b) {
  return "The refund of " + refund_amount(b) + " to " + b.customer_name + " <" + b.customer_email +
         "> for " + b.service_name +
         " failed at Stripe: the money went back to your Stripe balance, not to the customer."
         " SlotWise will not try again. Please pay the customer back another way (bank"
         " transfer, cash or another card) and let them know.";
}

Lines lines_for(Kind kind, const BusinessFacts& biz, const BookingFacts& b) {
  switch (kind) {
    case Kind::kConfirmation:
      return {"Your booking is confirmed",
              "Hello " + b.customer_name + ", your booking with " + biz.name + " is confirmed."};
    case Kind::kOwnerNewBooking:
      return {"New booking",
              b.customer_name + " <" + b.customer_email + "> booked " + b.service_name + "."};
    case Kind::kCancellation:
      return {"Your booking is cancelled",
              "Hello " + b.customer_name + ", your booking with " + biz.name + " is cancelled."};
    case Kind::kOwnerCancellation:
      return {"Booking cancelled", "The booking of " + b.customer_name + " <" + b.customer_email +
                                       "> for " + b.service_name + " is cancelled."};
    case Kind::kReschedule:
      return {"Your booking has a new time",
              "Hello " + b.customer_name + ", your booking with " + biz.name + " was moved."};
    case Kind::kOwnerReschedule:
      return {"Booking rescheduled", "The booking of " + b.customer_name + " <" + b.customer_email +
                                         "> for " + b.service_name + " was moved."};
    case Kind::kReminderFirst:
    case Kind::kReminderSecond:
      return {"Reminder: your booking is coming up",
              "Hello " + b.customer_name + ", this is a reminder of your booking with " + biz.name +
                  "."};
    case Kind::kOwnerRefundFailed:
      return {"Refund failed, action needed", refund_failed_intro(b)};
  }
  return {"Booking update", ""};
}

std::string ics_for(Kind kind, const BusinessFacts& biz, const BookingFacts& b,
                    domain::Instant stamp, const Links& links) {
  const bool cancelled = kind == Kind::kCancellation;
  if (kind != Kind::kConfirmation && kind != Kind::kReschedule && !cancelled) return {};
  domain::IcsCalendar cal;
  domain::IcsEvent e;
  e.uid = b.booking_id + "@slotwise";
  e.stamp = stamp;
  e.start = b.start;
  e.end = b.end;
  // The cancellation replaces the entry the confirmation (or the last
  // reschedule) added, so calendar apps that imported it mark it cancelled.
  e.sequence = cancelled ? b.revision + 1 : b.revision;
  e.summary = b.service_name + " - " + biz.name;
  e.description = "Booking " + b.booking_id + " with " + biz.name;
  e.location = biz.address;
  e.organizer_name = biz.name;
  e.organizer_email = biz.owner_email;
  e.status = cancelled ? "CANCELLED" : "CONFIRMED";
  // A cancelled booking has nothing left to manage.
  if (!cancelled) e.url = links.manage;
  cal.events.push_back(std::move(e));
  return domain::render_ics(cal);
}

// One fact, in both bodies.
void add_fact(std::string& text, std::string& html, const std::string& label,
              const std::string& value) {
  text += "\n" + label + ": " + value;
  html += "<tr><th>" + html_escape(label) + "</th><td>" + html_escape(value) + "</td></tr>";
}

void add_refund_facts(std::string& text, std::string& html, const BookingFacts& b) {
  const RefundFacts& r = *b.refund;
  std::string customer = b.customer_name + " <" + b.customer_email + ">";
  if (!b.customer_phone.empty()) customer += ", " + b.customer_phone;
  add_fact(text, html, "Customer", customer);
  add_fact(text, html, "Amount", refund_amount(b));
  if (!r.reason.empty()) add_fact(text, html, "Refunded for", r.reason);
  std::string stripe = r.status;
  if (!r.failure_reason.empty()) stripe += ", " + r.failure_reason;
  add_fact(text, html, "Stripe", stripe + " (" + explain_failure(r) + ")");
  add_fact(text, html, "Stripe refund", r.refund_id);
}

// The link of `kind`'s notice, labelled: what its reader can do next.
std::pair<std::string, std::string> link_of(Kind kind, const Links& links) {
  if (for_owner(kind)) return {"Booking in your dashboard", links.dashboard};
  if (kind == Kind::kCancellation) return {"Book again", links.book_again};
  return {"Reschedule or cancel", links.manage};
}

// The link's line in both bodies; nothing when there is no link.
void add_link(std::string& text, std::string& html, Kind kind, const Links& links) {
  const auto [label, url] = link_of(kind, links);
  if (url.empty()) return;
  text += "\n" + label + ": " + url + "\n";
  html += "<p>" + html_escape(label) + ": <a href=\"" + html_escape(url) + "\">" +
          html_escape(url) + "</a></p>";
}

}  // namespace

std::string format_in_zone(domain::Instant t, const std::string& zone) {
  auto tz = domain::TimeZone::locate(zone.empty() ? "UTC" : zone);
  if (!tz) {
    return date::format("%A %d %B %Y, %H:%M", t) + " (UTC)";
  }
  const domain::LocalReading r = tz.value().reading(t);
  const auto local = date::local_seconds{r.date} + r.time_of_day;
  return date::format("%A %d %B %Y, %H:%M", local) + " (" + std::string(tz.value().name()) + ")";
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Rendered render(Kind kind, const BusinessFacts& biz, const BookingFacts& b, domain::Instant stamp,
                const Links& links) {
  const Lines l = lines_for(kind, biz, b);
  Rendered r;
  r.subject = l.heading + ": " + b.service_name + " - " + biz.name;
  std::string facts_text = "Service: " + b.service_name + "\nWhen: " + when(biz, b, b.start) +
                           "\nUntil: " + when(biz, b, b.end);
  std::string facts_html = "<tr><th>Service</th><td>" + html_escape(b.service_name) +
                           "</td></tr><tr><th>When</th><td>" + html_escape(when(biz, b, b.start)) +
                           "</td></tr><tr><th>Until</th><td>" + html_escape(when(biz, b, b.end)) +
                           "</td></tr>";
  if (b.previous_start && (kind == Kind::kReschedule || kind == Kind::kOwnerReschedule)) {
    facts_text += "\nWas: " + when(biz, b, *b.previous_start);
    facts_html +=
        "<tr><th>Was</th><td>" + html_escape(when(biz, b, *b.previous_start)) + "</td></tr>";
  }
  if (!b.reason.empty() && (kind == Kind::kCancellation || kind == Kind::kOwnerCancellation)) {
    facts_text += "\nReason: " + b.reason;
    facts_html += "<tr><th>Reason</th><td>" + html_escape(b.reason) + "</td></tr>";
  }
  if (b.refund && kind == Kind::kOwnerRefundFailed) add_refund_facts(facts_text, facts_html, b);
  facts_text += "\nBooking: " + b.booking_id + "\n";
  facts_html += "<tr><th>Booking</th><td>" + html_escape(b.booking_id) + "</td></tr>";
  std::string link_text;
  std::string link_html;
  add_link(link_text, link_html, kind, links);
  r.text = l.intro + "\n\n" + facts_text + link_text + "\n-- \n" + biz.name + " via SlotWise\n";
  r.html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + html_escape(l.heading) +
           "</title></head><body><h1>" + html_escape(l.heading) + "</h1><p>" +
           html_escape(l.intro) + "</p><table>" + facts_html + "</table>" + link_html + "<p>" +
           html_escape(biz.name) + " via SlotWise</p></body></html>\r\n";
  r.ics = ics_for(kind, biz, b, stamp, links);
  return r;
}

std::string render_sms(const BusinessFacts& business, const BookingFacts& booking) {
  return "Reminder: " + booking.service_name + " with " + business.name + " on " +
         format_in_zone(booking.start, business.time_zone) + ".";
}

}  // namespace slotwise::notifier
