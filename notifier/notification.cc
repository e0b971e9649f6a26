#include "notifier/notification.h"

#include <array>
#include <utility>

namespace slotwise::notifier {
namespace {

constexpr std::array<std::pair<Kind, std::string_view>, 8> kNames{{
    {Kind::kConfirmation, "confirmation"},
    {Kind::kOwnerNewBooking, "owner_new_booking"},
    {Kind::kCancellation, "cancellation"},
    {Kind::kOwnerCancellation, "owner_cancellation"},
    {Kind::kReschedule, "reschedule"},
    {Kind::kOwnerReschedule, "owner_reschedule"},
    {Kind::kReminderFirst, "reminder_1"},
    {Kind::kReminderSecond, "reminder_2"},
}};

}  // namespace

std::string_view to_string(Kind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

bool for_owner(Kind kind) {
  return kind == Kind::kOwnerNewBooking || kind == Kind::kOwnerCancellation ||
         kind == Kind::kOwnerReschedule;
}

bool is_reminder(Kind kind) {
  return kind == Kind::kReminderFirst || kind == Kind::kReminderSecond;
}

std::string notification_id(std::string_view booking_id, Kind kind, int revision) {
  std::string id(booking_id);
  id += '.';
  id += to_string(kind);
  id += '.';
  id += std::to_string(revision);
  return id;
}

std::string message_id(std::string_view notification_id, std::string_view domain) {
  std::string out = "<";
  out += notification_id;
  out += '@';
  out += domain;
  out += '>';
  return out;
}

}  // namespace slotwise::notifier
