// The rendered email: headers with non-ASCII text RFC 2047 encoded, a
// multipart/alternative text + HTML body with the .ics attached, base64 lines
// within 76 columns, the same bytes for the same input, times in the
// business's and the client's zones, HTML escaping of log data, and the
// owner's failed-refund notice.
#include <doctest/doctest.h>

#include "notifier/mime.h"
#include "notifier/notification.h"
#include "notifier/templates.h"

namespace slotwise::notifier {

TEST_CASE("header values with non-ASCII text become encoded words; ASCII stays as is") {
  CHECK(encode_header_value("Booking confirmed") == "Booking confirmed");
  CHECK(encode_header_value("Café") == "=?UTF-8?B?Q2Fmw6k=?=");
  CHECK(format_mailbox({"Zoë", "z@example.com"}) == "=?UTF-8?B?Wm/Dqw==?= <z@example.com>");
  CHECK(format_mailbox({"A \"B\"", "a@example.com"}) == "\"A \\\"B\\\"\" <a@example.com>");
  const std::string long_name(100, 'e');
  const std::string encoded = encode_header_value("é" + long_name);
  CHECK(encoded.find("\r\n =?UTF-8?B?") != std::string::npos);  // split into several words
  // Bytes that are not UTF-8 leave no character start to cut at: still
  // encoded, in words of 45 octets, and the encoding ends.
  const std::string junk = encode_header_value(std::string(100, '\x80'));
  CHECK(junk.rfind("=?UTF-8?B?", 0) == 0);
  CHECK(junk.find("\r\n =?UTF-8?B?") != std::string::npos);
}

TEST_CASE("the email is multipart/mixed with alternative bodies and the .ics attached") {
  Email e;
  e.from = {"Studio", "from@example.com"};
  e.to = {"Client", "to@example.com"};
  e.subject = "Hello";
  e.message_id = message_id(notification_id("bkg_1", Kind::kConfirmation, 0), "example.com");
  e.date = "Wed, 25 Nov 2026 22:00:00 +0000";
  e.text = std::string(500, 'x');
  e.html = "<p>x</p>";
  e.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  const std::string m = render_mime(e);
  CHECK(m.find("Message-ID: <bkg_1.confirmation.0@example.com>\r\n") != std::string::npos);
  CHECK(m.find("Content-Type: multipart/mixed;\r\n boundary=") != std::string::npos);
  CHECK(m.find("Content-Type: multipart/alternative;") != std::string::npos);
  CHECK(m.find("Content-Type: text/plain; charset=UTF-8") != std::string::npos);
  CHECK(m.find("Content-Type: text/html; charset=UTF-8") != std::string::npos);
  CHECK(m.find("Content-Disposition: attachment; filename=\"booking.ics\"") != std::string::npos);
  std::size_t at = 0;
  while (at < m.size()) {
    const std::size_t end = m.find("\r\n", at);
    REQUIRE(end != std::string::npos);  // every line ends in CRLF
    CHECK(end - at <= 78);
    at = end + 2;
  }
  CHECK(render_mime(e) == m);  // deterministic
  e.ics.clear();
  CHECK(render_mime(e).find("multipart/mixed") == std::string::npos);
}

TEST_CASE("the client's cancellation carries the calendar entry as cancelled, one SEQUENCE on") {
  BusinessFacts biz{"biz_1", "Studio", "Europe/Paris", "owner@example.com", ""};
  BookingFacts b;
  b.booking_id = "bkg_1";
  b.service_name = "Cut";
  b.start = domain::Instant{std::chrono::seconds{1'779'782'400}};
  b.end = b.start + std::chrono::hours(1);
  b.revision = 1;  // moved once
  const domain::Instant stamp = b.start - std::chrono::hours(48);
  const Rendered moved = render(Kind::kReschedule, biz, b, stamp);
  CHECK(moved.ics.find("SEQUENCE:1\r\n") != std::string::npos);
  CHECK(moved.ics.find("STATUS:CONFIRMED\r\n") != std::string::npos);
  const Rendered cancelled = render(Kind::kCancellation, biz, b, stamp);
  CHECK(cancelled.ics.find("UID:bkg_1@slotwise\r\n") != std::string::npos);
  CHECK(cancelled.ics.find("SEQUENCE:2\r\n") != std::string::npos);
  CHECK(cancelled.ics.find("STATUS:CANCELLED\r\n") != std::string::npos);
  // A PUBLISH object names its organizer (RFC 5546 3.2.1): the business.
  CHECK(moved.ics.find("METHOD:PUBLISH\r\n") != std::string::npos);
  CHECK(moved.ics.find("ORGANIZER;CN=\"Studio\":mailto:owner@example.com\r\n") !=
        std::string::npos);
  CHECK(cancelled.ics.find("ORGANIZER;CN=\"Studio\":mailto:owner@example.com\r\n") !=
        std::string::npos);
  // The owner's notices and reminders carry none.
  CHECK(render(Kind::kOwnerCancellation, biz, b, stamp).ics.empty());
  CHECK(render(Kind::kReminderFirst, biz, b, stamp).ics.empty());
}

TEST_CASE("times are shown in the business's zone and the client's when it differs") {
  // 2026-05-26T08:00:00Z: 10:00 in Paris, 04:00 in New York.
  const domain::Instant t{std::chrono::seconds{1'779'782'400}};
  CHECK(format_in_zone(t, "Europe/Paris") == "Tuesday 26 May 2026, 10:00 (Europe/Paris)");
  BusinessFacts biz{"biz_1", "Studio <One>", "Europe/Paris", "owner@example.com", ""};
  BookingFacts b;
  b.booking_id = "bkg_1";
  b.service_name = "Cut & colour";
  b.start = t;
  b.end = t + std::chrono::hours(1);
  b.customer_name = "Client";
  b.customer_email = "c@example.com";
  b.customer_time_zone = "America/New_York";
  const Rendered r = render(Kind::kConfirmation, biz, b, t);
  CHECK(r.text.find("10:00 (Europe/Paris) / Tuesday 26 May 2026, 04:00 (America/New_York)") !=
        std::string::npos);
  CHECK(r.html.find("Studio &lt;One&gt;") != std::string::npos);
  CHECK(r.html.find("Cut &amp; colour") != std::string::npos);
  CHECK(r.ics.find("DTSTART:20260526T080000Z") != std::string::npos);
  CHECK(render(Kind::kOwnerNewBooking, biz, b, t).ics.empty());
}

TEST_CASE("the failed-refund notice tells the owner the money, Stripe's reason and what to do") {
  const domain::Instant t{std::chrono::seconds{1'779'782'400}};
  BusinessFacts biz{"biz_1", "Studio", "Europe/Paris", "owner@example.com", ""};
  BookingFacts b;
  b.booking_id = "bkg_1";
  b.service_name = "Cut";
  b.start = t;
  b.end = t + std::chrono::hours(1);
  b.customer_name = "Zoë <Z>";
  b.customer_email = "z@example.com";
  b.customer_phone = "+33600000000";
  b.refund = RefundFacts{"re_1", 4250, "eur", "cancellation", "failed", "lost_or_stolen_card"};
  const Rendered r = render(Kind::kOwnerRefundFailed, biz, b, t);
  CHECK(r.subject == "Refund failed, action needed: Cut - Studio");
  CHECK(r.text.find("The refund of 42.50 EUR to Zoë <Z> <z@example.com> for Cut failed") !=
        std::string::npos);
  CHECK(r.text.find("pay the customer back another way") != std::string::npos);
  CHECK(r.text.find("When: Tuesday 26 May 2026, 10:00 (Europe/Paris)") != std::string::npos);
  CHECK(r.text.find("Customer: Zoë <Z> <z@example.com>, +33600000000") != std::string::npos);
  CHECK(r.text.find("Stripe: failed, lost_or_stolen_card (the card was reported lost or stolen)") !=
        std::string::npos);
  CHECK(r.text.find("Stripe refund: re_1") != std::string::npos);
  CHECK(r.html.find("Zoë &lt;Z&gt;") != std::string::npos);
  CHECK(r.html.find("<Z>") == std::string::npos);
  CHECK(r.ics.empty());
  // A canceled refund has no failure reason.
  b.refund->status = "canceled";
  b.refund->failure_reason.clear();
  CHECK(render(Kind::kOwnerRefundFailed, biz, b, t)
            .text.find("Stripe: canceled (the refund was"
                       " canceled)") != std::string::npos);
  // Other kinds do not show a refund the facts happen to carry.
  CHECK(render(Kind::kOwnerCancellation, biz, b, t).text.find("re_1") == std::string::npos);
}

}  // namespace slotwise::notifier
