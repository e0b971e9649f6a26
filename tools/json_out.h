// JsonOut: one JSON object for the CLI's --json output, written with
// RapidJSON so that every string (subjects and ids from the log, file
// paths) is escaped. Values that are already JSON (an event, a state) go in
// with raw().
//
// Thread safety: a value, one per thread.
// Errors: none; raw() trusts its argument to be valid JSON.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace slotwise::tools {

class JsonOut {
 public:
  using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

  JsonOut() : w_(buf_) { w_.StartObject(); }

  JsonOut& str(std::string_view key, std::string_view value) {
    this->key(key);
    w_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  JsonOut& num(std::string_view key, std::uint64_t value) {
    this->key(key);
    w_.Uint64(value);
    return *this;
  }
  JsonOut& boolean(std::string_view key, bool value) {
    this->key(key);
    w_.Bool(value);
    return *this;
  }
  // `json` is a complete JSON value (object, array, null, ...).
  JsonOut& raw(std::string_view key, std::string_view json) {
    this->key(key);
    raw_value(json);
    return *this;
  }
  // For arrays: key(), writer().StartArray(), raw_value() per element, EndArray().
  JsonOut& key(std::string_view key) {
    w_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    return *this;
  }
  void raw_value(std::string_view json) {
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
  Writer& writer() { return w_; }

  // Closes the object; the compact JSON text.
  [[nodiscard]] std::string finish() {
    w_.EndObject();
    return {buf_.GetString(), buf_.GetSize()};
  }

 private:
  rapidjson::StringBuffer buf_;
  Writer w_;
};

}  // namespace slotwise::tools
