// The vocabulary of slotwise-notifier: the kinds of notification, who gets
// each, and the deterministic identity of one message (docs/adr/0009).
//
// A notification's id is "<booking_id>.<kind>.<revision>" where revision
// counts the booking's reschedules when it was planned; the email's
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
};

[[nodiscard]] std::string_view to_string(Kind kind);
[[nodiscard]] std::optional<Kind> parse_kind(std::string_view name);
[[nodiscard]] bool for_owner(Kind kind);
[[nodiscard]] bool is_reminder(Kind kind);

[[nodiscard]] std::string notification_id(std::string_view booking_id, Kind kind, int revision);
[[nodiscard]] std::string message_id(std::string_view notification_id, std::string_view domain);

}  // namespace slotwise::notifier
