// The vocabulary of slotwise-notifier: the kinds of notification, who gets
// each, and the deterministic identity of one message (docs/adr/0009).
//
// A notification's id is "<booking_id>.<kind>.<revision>" where revision
// counts the booking's reschedules when it was planned; a notice about one
// refund (owner_refund_failed) is "<booking_id>.<kind>.<refund_id>" instead:
// a booking can have several refunds, each fails at most once, and the
// failure has nothing to do with the booking's time. The email's
// Message-ID is "<" + id + "@" + domain + ">". Planning the same event twice
// yields the same id, so the outbox's primary key makes planning idempotent
// and a receiver can recognise a resend after a crash.
//
// Thread safety: pure functions and constants.
// Errors: parse_kind() gives nullopt for an unknown name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace slotwise::notifier {

enum class Kind {
  kConfirmation,       // client: booking confirmed, with .ics
  kOwnerNewBooking,    // owner: a new confirmed booking
  kCancellation,       // client: booking cancelled
  kOwnerCancellation,  // owner: booking cancelled
  kReschedule,         // client: new time, with updated .ics
  kOwnerReschedule,    // owner: new time
  kReminderFirst,      // client: first reminder (default 24 h before)
  kReminderSecond,     // client: second reminder (default 2 h before)
  kOwnerRefundFailed,  // owner: Stripe reported a refund failed; pay the client back by hand
};

[[nodiscard]] std::string_view to_string(Kind kind);
[[nodiscard]] std::optional<Kind> parse_kind(std::string_view name);
[[nodiscard]] bool for_owner(Kind kind);
[[nodiscard]] bool is_reminder(Kind kind);

[[nodiscard]] std::string notification_id(std::string_view booking_id, Kind kind, int revision);
// "<booking_id>.<kind>.<refund_id>"; characters of the refund id that a
// Message-ID cannot hold (anything but letters, digits, '_' and '-'; Stripe's
// "re_..." ids have none) become '-'.
[[nodiscard]] std::string refund_notification_id(std::string_view booking_id, Kind kind,
                                                 std::string_view refund_id);
[[nodiscard]] std::string message_id(std::string_view notification_id, std::string_view domain);

}  // namespace slotwise::notifier
