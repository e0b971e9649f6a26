// Packing domain events (generated protobuf messages of package
// slotwise.events.v1) into the commit envelope and back.
//
// An event's type is its full protobuf name, e.g.
// "slotwise.events.v1.BookingConfirmed"; it is stored as a google.protobuf.Any
// so the proto3 JSON mapping and other languages can decode it from schemas/.
// Thread safety: pure functions over the generated descriptor pool.
// Errors: unpack() gives kUnknownEventType for a type this build does not
// know and kDecodeError for bytes that do not parse.
#pragma once

#include <google/protobuf/any.pb.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>

#include "events/error.h"

namespace slotwise::events {

// An event ready to append: its type name and serialized bytes.
struct PackedEvent {
  std::string type;  // full protobuf name
  std::string data;  // serialized message
};

[[nodiscard]] PackedEvent pack(const google::protobuf::Message& event);

// "type.googleapis.com/<type>", the Any type_url of an event type.
[[nodiscard]] std::string type_url_for(std::string_view type);

// The full type name inside an Any's type_url ("type.googleapis.com/x.y.Z" -> "x.y.Z").
[[nodiscard]] std::string_view type_name_of(const google::protobuf::Any& any);

// Decodes an Any into a new instance of its generated message type.
[[nodiscard]] Result<std::unique_ptr<google::protobuf::Message>> unpack(
    const google::protobuf::Any& any);

// Typed convenience: succeeds only if the Any holds exactly T.
template <class T>
[[nodiscard]] bool unpack_as(const google::protobuf::Any& any, T* out) {
  return any.UnpackTo(out);
}

}  // namespace slotwise::events
