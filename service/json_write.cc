#include "service/json_write.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace slotwise::service {

void json_string(JsonWriter& w, std::string_view text) {
  // Left uninitialised: only the bytes written below are read.
  std::array<char, 256> quoted;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  const bool plain =
      text.size() + 2 <= quoted.size() && std::none_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
      });
  if (!plain) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return;
  }
  quoted[0] = '"';
  std::memcpy(quoted.data() + 1, text.data(), text.size());
  quoted[text.size() + 1] = '"';
  w.RawValue(quoted.data(), text.size() + 2, rapidjson::kStringType);
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
