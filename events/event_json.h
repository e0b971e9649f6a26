// The proto3 JSON mapping of an event message, written fast: byte for byte
// what google::protobuf::util::MessageToJsonString prints (compact, default
// values omitted), which the projector stores as each booking-history row's
// detail and the CLI prints.
//
// Why not just call protobuf: its printer serializes the message to the wire
// format and converts those bytes to JSON through a type resolver: ~6 µs per
// booking event, a quarter of the projector's CPU in a catch-up (perf). This
// writer walks the message with reflection instead (~1 µs, same profile) and
// covers the field kinds our event schemas use: 32/64-bit integers (64-bit
// ones quoted, as the mapping says), bool, string, enums (by name, or the
// number when it has no name), nested messages, repeated fields and
// google.protobuf.Timestamp. A message type with anything else (maps, oneofs,
// proto3 `optional`, floating point, bytes, Any or other well-known types),
// and any value the fast writer would have to second-guess (a string that is
// not well-formed UTF-8, a Timestamp out of the mapping's range), goes to
// protobuf's printer, so the output never differs from it.
// tests/events/event_json_test.cc checks that against protobuf's printer
// over random values of every event type.
//
// Thread safety: pure functions; the per-type "can be written fast" answers
// are cached per thread.
// Errors: whatever MessageToJsonString refuses (e.g. a Timestamp beyond year
// 9999) is an error with protobuf's message.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>

#include "common/result.h"

namespace slotwise::events {

enum class JsonNames {
  kProto,      // field names as in the .proto (preserve_proto_field_names)
  kLowerCamel  // the mapping's default json_name
};

[[nodiscard]] common::Result<std::string, std::string> event_json(
    const google::protobuf::Message& message, JsonNames names);

// True when every message of this type is written without protobuf's
// printer (values permitting); exposed so a test can tell the fast path ran.
[[nodiscard]] bool event_json_is_direct(const google::protobuf::Descriptor& type);

}  // namespace slotwise::events
