#include "notifier/notification.h"

#include <array>
#include <utility>

namespace slotwise::notifier {
namespace {

constexpr std::array<std::pair<Kind, std::string_view>, 9> kNames{{
    {Kind::kConfirmation, "confirmation"},
    {Kind::kOwnerNewBooking, "owner_new_booking"},
    {Kind::kCancellation, "cancellation"},
    {Kind::kOwnerCancellation, "owner_cancellation"},
    {Kind::kReschedule, "reschedule"},
    {Kind::kOwnerReschedule, "owner_reschedule"},
    {Kind::kReminderFirst, "reminder_1"},
    {Kind::kReminderSecond, "reminder_2"},
    {Kind::kOwnerRefundFailed, "owner_refund_failed"},
}};

// ASCII only, whatever the locale: the id must be the same on every host.
bool safe_in_message_id(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

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
         kind == Kind::kOwnerReschedule || kind == Kind::kOwnerRefundFailed;
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

std::string refund_notification_id(std::string_view booking_id, Kind kind,
                                   std::string_view refund_id) {
  std::string id(booking_id);
  id += '.';
  id += to_string(kind);
  id += '.';
  for (const char c : refund_id) {
    id += safe_in_message_id(c) ? c : '-';
  }
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
