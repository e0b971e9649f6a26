// Shared by the notifier's link token and migration tests: the email the
// planner renders for one booking ("Ann" at ann@example.com, "Cut" from a
// fixed instant for an hour) of `biz`, of `kind`, with `links`; Message-ID
// from notification_id(booking, kind, 0). From and Date are left to the
// caller.
//
// Thread safety: pure function. Errors: none.
#pragma once

#include <chrono>
#include <string>

#include "notifier/links.h"
#include "notifier/mime.h"
#include "notifier/notification.h"
#include "notifier/templates.h"

namespace slotwise::testing {

inline notifier::Email booking_email(notifier::Kind kind, const notifier::BusinessFacts& biz,
                                     const std::string& booking, const notifier::Links& links) {
  notifier::BookingFacts b;
  b.booking_id = booking;
  b.business_id = biz.business_id;
  b.service_name = "Cut";
  b.start = domain::Instant{std::chrono::seconds{1'790'000'000}};
  b.end = b.start + std::chrono::hours(1);
  b.customer_name = "Ann";
  b.customer_email = "ann@example.com";
  const notifier::Rendered r = notifier::render(kind, biz, b, b.start, links);
  notifier::Email e;
  e.to = {"Ann", "ann@example.com"};
  e.subject = r.subject;
  e.message_id =
      notifier::message_id(notifier::notification_id(booking, kind, 0), "slotwise.localhost");
  e.text = r.text;
  e.html = r.html;
  e.ics = r.ics;
  return e;
}

}  // namespace slotwise::testing
