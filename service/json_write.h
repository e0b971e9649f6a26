// Writing JSON response bodies with RapidJSON's Writer, fast: the helpers
// every SlotWise HTTP reply (command side and query API) uses for its
// strings and members.
//
// RapidJSON's Writer::String() examines and appends every character on its
// own (and RawValue() copies one character at a time too); on a query API
// list page (50 bookings x 25 keys and ~15 text values) that was the
// largest user-space cost of the process. json_string() checks a string for
// anything JSON must escape with a table lookup per byte and, finding none
// (nearly all ids, keys, times and names), copies it into the output buffer
// in one memcpy; anything else goes to String(), so the output is
// byte-for-byte what String() writes: without kWriteValidateEncodingFlag
// RapidJSON escapes exactly the control characters, '"' and '\\'.
//
// Thread safety: pure functions over the caller's writer.
// Errors: none; a Writer in the wrong state (a value where a key belongs) is
// the caller's bug, as with RapidJSON's own calls.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <concepts>
#include <cstdint>
#include <string_view>

namespace slotwise::service {

// RapidJSON's Writer over a StringBuffer, with access to the buffer it
// appends to (json_string() copies plain strings there itself).
class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Writer::Writer;
  [[nodiscard]] rapidjson::StringBuffer& buffer() { return *os_; }
};

// Writes `text` as a JSON string: a value, or an object's key (to the
// Writer's state a key is a string, with the same separators).
void json_string(JsonWriter& w, std::string_view text);

// Writes the member "name": value.
void json_member(JsonWriter& w, std::string_view name, std::string_view value);
void json_member(JsonWriter& w, std::string_view name, std::int64_t value);
// A bool would otherwise convert to the integer overload and be written as
// 0 or 1: write it with w.Bool() after json_string(w, name).
template <class T>
requires std::same_as<T, bool>
void json_member(JsonWriter& w, std::string_view name, T value) = delete;

}  // namespace slotwise::service
