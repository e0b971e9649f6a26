// The text of every notification: subject, plain-text and HTML bodies, and
// for the client's confirmation and reschedule notices an .ics attachment
// (domain/ics.h; UID "<booking_id>@slotwise", SEQUENCE = revision, so a
// calendar app updates the same event). Times are shown in the business's
// zone, and also in the client's zone when it is known and different. The
// owner's failed-refund notice also shows the refund (amount, Stripe's
// status and failure reason) and what the owner has to do.
// Every value from the log is HTML-escaped in the HTML body.
// With links (links.h; none when public_base_url is empty, and then the
// output is what it was before links existed) the client's confirmation,
// reschedule notice and reminders say "Reschedule or cancel: <manage link>"
// (also the .ics URL), the client's cancellation "Book again: <page>" when
// the slug is known, and every owner notice links the booking in the
// dashboard; in the HTML body the href is HTML-escaped like any value.
//
// Thread safety: pure functions.
// Errors: none; an unknown zone name falls back to UTC (labelled as such).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/instant.h"
#include "notifier/links.h"
#include "notifier/notification.h"

namespace slotwise::notifier {

struct BusinessFacts {
  std::string business_id;
  std::string name;
  std::string time_zone;
  std::string owner_email;
  std::string address;
  // "" when unknown (mirrored before notifier_0003). The `{}` keeps
  // brace-initialisations that stop at `address` free of warnings.
  std::string slug{};
};

// A refund Stripe reported failed or canceled (PaymentRefundFailed).
struct RefundFacts {
  std::string refund_id;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string reason;          // what SlotWise refunded it for: cancellation, ...
  std::string status;          // Stripe's: failed, canceled
  std::string failure_reason;  // Stripe's failure_reason; "" for a canceled refund
};

struct BookingFacts {
  std::string booking_id;
  std::string business_id;
  std::string service_name;
  domain::Instant start{};
  domain::Instant end{};
  std::optional<domain::Instant> previous_start;  // reschedule notices
  std::string customer_name;
  std::string customer_email;
  std::string customer_phone;
  std::string customer_time_zone;     // "" when unknown
  std::string reason;                 // cancellation reason
  std::optional<RefundFacts> refund;  // owner_refund_failed
  int revision = 0;
};

struct Rendered {
  std::string subject;
  std::string text;
  std::string html;
  std::string ics;  // empty: no attachment
  std::string ics_method = "PUBLISH";
};

// "Tuesday 26 May 2026, 10:00 (Europe/Paris)".
[[nodiscard]] std::string format_in_zone(domain::Instant t, const std::string& zone);
[[nodiscard]] std::string html_escape(const std::string& s);

// `stamp` is the commit time of the event that planned it (DTSTAMP).
// `links`: the booking's links (links_for); empty ones are left out.
[[nodiscard]] Rendered render(Kind kind, const BusinessFacts& biz, const BookingFacts& b,
                              domain::Instant stamp, const Links& links = {});

// The SMS text of a reminder (short, plain ASCII where the data allows).
[[nodiscard]] std::string render_sms(const BusinessFacts& business, const BookingFacts& booking);

}  // namespace slotwise::notifier
