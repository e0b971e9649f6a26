#include "service/json_write.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace slotwise::service {

namespace {

// Bytes a JSON string must escape: control characters, '"' and '\\'.
constexpr std::array<bool, 256> kEscaped = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}();

bool needs_escaping(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return kEscaped[static_cast<unsigned char>(c)]; });
}

}  // namespace

void json_string(JsonWriter& w, std::string_view text) {
  if (needs_escaping(text)) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return;
  }
  // An empty raw value lets the Writer emit the separator before it (',' or
  // ':') and count the value; the quoted text then goes straight into the
  // buffer, which the Writer appends to and never revisits.
  w.RawValue("", 0, rapidjson::kStringType);
  char* out = w.buffer().Push(text.size() + 2);
  out[0] = '"';
  std::memcpy(out + 1, text.data(), text.size());
  out[text.size() + 1] = '"';
}

void json_member(JsonWriter& w, std::string_view name, std::string_view value) {
  json_string(w, name);
  json_string(w, value);
}

void json_member(JsonWriter& w, std::string_view name, std::int64_t value) {
  json_string(w, name);
  w.Int64(value);
}

}  // namespace slotwise::service
