// Writing JSON response bodies with RapidJSON's Writer, fast: the helpers
// every SlotWise HTTP reply (command side and query API) uses for its
// strings and members.
//
// RapidJSON's Writer::String() examines and appends every character on its
// own; on a query API list page (50 bookings x 25 keys and ~15 text values)
// that was ~25 % of the process's CPU. json_string() copies a string that
// holds nothing JSON must escape (nearly all ids, keys, times and names) in
// one piece and hands anything else to String(), so the output is
// byte-for-byte what String() writes: without kWriteValidateEncodingFlag
// RapidJSON escapes exactly the control characters, '"' and '\\'.
//
// Thread safety: pure functions over the caller's writer.
// Errors: none; a Writer in the wrong state (a value where a key belongs) is
// the caller's bug, as with RapidJSON's own calls.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string_view>

namespace slotwise::service {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes `text` as a JSON string: a value, or an object's key (to the
// Writer's state a key is a string, with the same separators).
void json_string(JsonWriter& w, std::string_view text);

// Writes the member "name": value.
void json_member(JsonWriter& w, std::string_view name, std::string_view value);
void json_member(JsonWriter& w, std::string_view name, std::int64_t value);

}  // namespace slotwise::service
