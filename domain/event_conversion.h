// Converting an aggregate's typed events (the std::variant of generated
// protobuf messages each aggregate header names: AccountEvent, BusinessEvent,
// CalendarEvent, ...) to what the event store appends, and back from what it
// reads. The store packs a PackedEvent into a google.protobuf.Any
// ("type.googleapis.com/" + type); the domain itself never does I/O and does
// not depend on the events library.
//
// Thread safety: pure functions over generated descriptors.
// Errors: from_any()/from_packed() succeed with nullopt for a type that is
// not one of the aggregate's events (the caller skips it, so an older binary
// can replay a log with newer event types, docs/adr/0003), and fail with
// EventDecodeError for bytes that do not parse as the named type.
#pragma once

#include <climits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <google/protobuf/any.pb.h>
#include <google/protobuf/message.h>

#include "common/result.h"

namespace slotwise::domain {

// (full protobuf type name, serialized message), e.g.
// ("slotwise.events.v1.BookingConfirmed", "\n\x07bkg_123...").
using PackedEvent = std::pair<std::string, std::string>;

struct EventDecodeError {
  // The full type name whose bytes did not parse.
  std::string type;
};

[[nodiscard]] PackedEvent pack_message(const google::protobuf::Message& message);

// "type.googleapis.com/x.y.Z" -> "x.y.Z" (the part after the last '/').
[[nodiscard]] std::string_view type_name_of(const google::protobuf::Any& any);

template <class... Ts>
[[nodiscard]] PackedEvent to_packed(const std::variant<Ts...>& event) {
  return std::visit([](const auto& message) { return pack_message(message); }, event);
}

template <class Event>
[[nodiscard]] std::vector<PackedEvent> to_packed(const std::vector<Event>& events) {
  std::vector<PackedEvent> out;
  out.reserve(events.size());
  for (const Event& e : events) out.push_back(to_packed(e));
  return out;
}

// The full type name of the message an event holds.
template <class... Ts>
[[nodiscard]] std::string event_type(const std::variant<Ts...>& event) {
  return std::visit([](const auto& message) { return message.GetDescriptor()->full_name(); },
                    event);
}

namespace event_conversion_detail {

template <class Event>
struct Decoder;

template <class... Ts>
struct Decoder<std::variant<Ts...>> {
  using Event = std::variant<Ts...>;
  using Decoded = common::Result<std::optional<Event>, EventDecodeError>;

  static Decoded decode(std::string_view type, std::string_view bytes) {
    Decoded out = std::optional<Event>{};
    // Tries each alternative in turn; stops at the one whose name matches.
    (void)(try_as<Ts>(type, bytes, out) || ...);
    return out;
  }

  template <class T>
  static bool try_as(std::string_view type, std::string_view bytes, Decoded& out) {
    if (T::descriptor()->full_name() != type) return false;
    T message;
    if (bytes.size() > static_cast<std::size_t>(INT_MAX) ||
        !message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      out = common::fail(EventDecodeError{std::string(type)});
    } else {
      out = std::optional<Event>{Event{std::move(message)}};
    }
    return true;
  }
};

}  // namespace event_conversion_detail

// Event is one of the aggregate event variants, e.g.
//   from_packed<CalendarEvent>("slotwise.events.v1.BookingConfirmed", bytes).
template <class Event>
[[nodiscard]] common::Result<std::optional<Event>, EventDecodeError> from_packed(
    std::string_view type, std::string_view bytes) {
  return event_conversion_detail::Decoder<Event>::decode(type, bytes);
}

template <class Event>
[[nodiscard]] common::Result<std::optional<Event>, EventDecodeError> from_any(
    const google::protobuf::Any& any) {
  return from_packed<Event>(type_name_of(any), any.value());
}

}  // namespace slotwise::domain
