// Notification ids: "<booking>.<kind>.<revision>", and for a notice about one
// refund "<booking>.<kind>.<refund id>", safe inside a Message-ID.
#include <doctest/doctest.h>

#include "notifier/notification.h"

namespace slotwise::notifier {

TEST_CASE("a notice about a booking's time is keyed by the booking's revision") {
  CHECK(notification_id("bkg_1", Kind::kConfirmation, 0) == "bkg_1.confirmation.0");
  CHECK(notification_id("bkg_1", Kind::kOwnerReschedule, 2) == "bkg_1.owner_reschedule.2");
  CHECK(message_id("bkg_1.confirmation.0", "example.com") == "<bkg_1.confirmation.0@example.com>");
}

TEST_CASE("a failed-refund notice is the owner's and keyed by the refund") {
  CHECK(to_string(Kind::kOwnerRefundFailed) == "owner_refund_failed");
  CHECK(parse_kind("owner_refund_failed") == Kind::kOwnerRefundFailed);
  CHECK(for_owner(Kind::kOwnerRefundFailed));
  CHECK_FALSE(is_reminder(Kind::kOwnerRefundFailed));
  CHECK(refund_notification_id("bkg_1", Kind::kOwnerRefundFailed, "re_3MtwBw2eZvKYlo2C") ==
        "bkg_1.owner_refund_failed.re_3MtwBw2eZvKYlo2C");
  // Two refunds of one booking, two ids.
  CHECK(refund_notification_id("bkg_1", Kind::kOwnerRefundFailed, "re_a") !=
        refund_notification_id("bkg_1", Kind::kOwnerRefundFailed, "re_b"));
  // Nothing from the log can end or break the Message-ID.
  CHECK(refund_notification_id("bkg_1", Kind::kOwnerRefundFailed, "evt:x@y>z é") ==
        "bkg_1.owner_refund_failed.evt-x-y-z---");
}

}  // namespace slotwise::notifier
