// The link lines of the rendered notices: "Reschedule or cancel" in the
// client's confirmation, reschedule notice and reminders (text, HTML with an
// escaped href, and the .ics URL), "Book again" in the client's
// cancellation, the dashboard in every owner notice; without links every
// notice is byte for byte what it was before links existed.
#include "notifier/templates.h"

#include <date/date.h>
#include <doctest/doctest.h>

#include <string>

namespace slotwise::notifier {
namespace {

using namespace std::chrono_literals;

BusinessFacts salon() {
  return {"biz_1", "Salon", "Europe/Paris", "owner@example.com", "1 Rue", "salon"};
}

BookingFacts booking() {
  BookingFacts b;
  b.booking_id = "bkg_1";
  b.business_id = "biz_1";
  b.service_name = "Cut";
  b.start = date::sys_days{date::year{2026} / 5 / 26} + 8h;
  b.end = b.start + 1h;
  b.customer_name = "Ann";
  b.customer_email = "ann@example.com";
  return b;
}

const domain::Instant kStamp = date::sys_days{date::year{2026} / 5 / 1};

const Links kLinks{"https://book.example.com/manage/bkg_1#token=tok",
                   "https://book.example.com/dashboard/bookings/bkg_1",
                   "https://book.example.com/salon"};

// An .ics with its folded lines joined again.
std::string unfolded(std::string ics) {
  for (std::size_t at = ics.find("\r\n "); at != std::string::npos; at = ics.find("\r\n ")) {
    ics.erase(at, 3);
  }
  return ics;
}

}  // namespace

TEST_CASE("without links a notice is what it was before links existed") {
  const Rendered r = render(Kind::kConfirmation, salon(), booking(), kStamp);
  CHECK(r.text ==
        "Hello Ann, your booking with Salon is confirmed.\n\n"
        "Service: Cut\nWhen: Tuesday 26 May 2026, 10:00 (Europe/Paris)\n"
        "Until: Tuesday 26 May 2026, 11:00 (Europe/Paris)\nBooking: bkg_1\n"
        "\n-- \nSalon via SlotWise\n");
  CHECK(r.html ==
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Your booking is confirmed"
        "</title></head><body><h1>Your booking is confirmed</h1><p>Hello Ann, your booking with"
        " Salon is confirmed.</p><table><tr><th>Service</th><td>Cut</td></tr><tr><th>When</th>"
        "<td>Tuesday 26 May 2026, 10:00 (Europe/Paris)</td></tr><tr><th>Until</th><td>Tuesday"
        " 26 May 2026, 11:00 (Europe/Paris)</td></tr><tr><th>Booking</th><td>bkg_1</td></tr>"
        "</table><p>Salon via SlotWise</p></body></html>\r\n");
  CHECK(r.ics.find("URL:") == std::string::npos);
  const Rendered owner = render(Kind::kOwnerNewBooking, salon(), booking(), kStamp);
  CHECK(owner.text.find("dashboard") == std::string::npos);
  CHECK(owner.html.find("<a ") == std::string::npos);
}

TEST_CASE("the client's confirmation, reschedule notice and reminders link the manage page") {
  for (const Kind kind :
       {Kind::kConfirmation, Kind::kReschedule, Kind::kReminderFirst, Kind::kReminderSecond}) {
    const std::string name(to_string(kind));
    CAPTURE(name);
    const Rendered r = render(kind, salon(), booking(), kStamp, kLinks);
    CHECK(r.text.find("Booking: bkg_1\n\nReschedule or cancel: " + kLinks.manage + "\n\n-- \n") !=
          std::string::npos);
    CHECK(r.html.find("<p>Reschedule or cancel: <a href=\"" + kLinks.manage + "\">" +
                      kLinks.manage + "</a></p>") != std::string::npos);
    CHECK(r.text.find(kLinks.dashboard) == std::string::npos);
  }
}

TEST_CASE("the href and the link's text are HTML-escaped") {
  const Links odd{"https://x.example/a&b\"c/manage/bkg_1#token=tok", "", ""};
  const Rendered r = render(Kind::kConfirmation, salon(), booking(), kStamp, odd);
  CHECK(r.html.find("<a href=\"https://x.example/a&amp;b&quot;c/manage/bkg_1#token=tok\">"
                    "https://x.example/a&amp;b&quot;c/manage/bkg_1#token=tok</a>") !=
        std::string::npos);
  CHECK(r.html.find("a&b") == std::string::npos);
  CHECK(r.text.find(odd.manage) != std::string::npos);  // the text body is not HTML
}

TEST_CASE(
    "the .ics of a confirmation or reschedule carries the manage link; a cancellation's not") {
  for (const Kind kind : {Kind::kConfirmation, Kind::kReschedule}) {
    const std::string ics = render(kind, salon(), booking(), kStamp, kLinks).ics;
    CHECK(unfolded(ics).find("\r\nURL:" + kLinks.manage + "\r\n") != std::string::npos);
  }
  const Rendered cancelled = render(Kind::kCancellation, salon(), booking(), kStamp, kLinks);
  REQUIRE(!cancelled.ics.empty());
  CHECK(cancelled.ics.find("URL:") == std::string::npos);
}

TEST_CASE("a cancellation links the business's page when the slug is known") {
  const Rendered r = render(Kind::kCancellation, salon(), booking(), kStamp, kLinks);
  CHECK(r.text.find("\nBook again: https://book.example.com/salon\n") != std::string::npos);
  CHECK(r.text.find("/manage/") == std::string::npos);
  CHECK(r.html.find("<a href=\"https://book.example.com/salon\">") != std::string::npos);
  Links no_slug = kLinks;
  no_slug.book_again.clear();
  const Rendered plain = render(Kind::kCancellation, salon(), booking(), kStamp, no_slug);
  CHECK(plain.text == render(Kind::kCancellation, salon(), booking(), kStamp).text);
}

TEST_CASE("every owner notice links the booking in the dashboard, never the manage page") {
  BookingFacts b = booking();
  b.refund = RefundFacts{"re_1", 5000, "EUR", "cancellation", "failed", "declined"};
  for (const Kind kind : {Kind::kOwnerNewBooking, Kind::kOwnerCancellation, Kind::kOwnerReschedule,
                          Kind::kOwnerRefundFailed}) {
    const std::string name(to_string(kind));
    CAPTURE(name);
    const Rendered r = render(kind, salon(), b, kStamp, kLinks);
    CHECK(r.text.find("\nBooking in your dashboard: " + kLinks.dashboard + "\n") !=
          std::string::npos);
    CHECK(r.html.find("<a href=\"" + kLinks.dashboard + "\">") != std::string::npos);
    CHECK(r.text.find("token=") == std::string::npos);
    CHECK(r.html.find("token=") == std::string::npos);
  }
}

}  // namespace slotwise::notifier
