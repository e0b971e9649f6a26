// Strict JSON request bodies: parse_json() and the typed field readers
// JsonObject / JsonArray.
//
// Every bad input must become a precise 4xx, never a silently different value
// (docs/adr/0003-error-handling.md), so parsing is stricter than RapidJSON's
// defaults. parse_json() rejects:
//  - anything after the first complete value except whitespace ("{} x", "{}\0");
//  - invalid UTF-8, including surrogates smuggled in as escapes ("\udc00"; a
//    lone "\ud800" is refused by RapidJSON itself);
//  - NaN / Infinity literals and numbers too large for a double (1e400);
//  - duplicate keys in one object ({"a":1,"a":2}): which one wins differs
//    between parsers, a classic way to make two components disagree;
//  - nesting deeper than JsonLimits::max_depth (32): bounds memory and keeps
//    every later recursive walk shallow. The parser itself is iterative, so a
//    body of 100,000 '[' cannot overflow the stack;
//  - an empty body.
//
// The readers then check shape and type field by field and name the field in
// every message ("field 'customer.email' must be a string"). Integers must be
// written as integers: 1.0, 1e2 and -0.5 are "must be an integer", and a value
// that does not fit int64 (9223372036854775808) is "out of range", never
// truncated. Strings are limited in Unicode code points and may not contain
// U+0000 (C APIs downstream would truncate there). For optional fields an
// explicit null is the same as an absent field; use is_null() to tell them apart.
//
// Thread safety: parse_json is a pure function. A JsonObject / JsonArray is a
// read-only view of a Document: safe to share between threads as long as the
// Document outlives it and is not modified.
// Errors: every failure is an ApiError with status 400 and code invalid_json
// (parse_json) or invalid_request (the readers).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <rapidjson/document.h>

#include "common/result.h"
#include "service/api_error.h"

namespace slotwise::service {

template <class T>
using ApiResult = common::Result<T, ApiError>;

struct JsonLimits {
  // Containers nested deeper than this are refused; the top-level value is
  // depth 1, so {"a":{}} has depth 2.
  std::size_t max_depth = 32;
};

// The document in `body`, or a 400 invalid_json naming the problem and offset.
[[nodiscard]] ApiResult<rapidjson::Document> parse_json(std::string_view body,
                                                        const JsonLimits& limits = {});

// Length limits of a string field, in Unicode code points.
struct StringRule {
  std::size_t min_length = 0;
  std::size_t max_length = 1000;
};

// Inclusive bounds of an integer field.
struct IntRange {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

class JsonArray;

// A JSON object being read field by field. `path` is the object's position
// in the body ("" for the root, "customer", "intervals[2]") used in messages.
class JsonObject {
 public:
  [[nodiscard]] static ApiResult<JsonObject> of(const rapidjson::Value& value,
                                                std::string path = {});

  // Refuses every member not in `allowed`: a misspelt optional field
  // ("note" for "notes") must not be silently ignored.
  [[nodiscard]] ApiResult<common::Unit> reject_unknown_fields(
      std::initializer_list<std::string_view> allowed) const;

  // Present with a non-null value.
  [[nodiscard]] bool has(std::string_view name) const;
  // Present with the value null.
  [[nodiscard]] bool is_null(std::string_view name) const;

  [[nodiscard]] ApiResult<std::string> required_string(std::string_view name,
                                                       StringRule rule = {}) const;
  [[nodiscard]] ApiResult<std::optional<std::string>> optional_string(std::string_view name,
                                                                      StringRule rule = {}) const;
  [[nodiscard]] ApiResult<std::int64_t> required_int(std::string_view name,
                                                     IntRange range = {}) const;
  [[nodiscard]] ApiResult<std::optional<std::int64_t>> optional_int(std::string_view name,
                                                                    IntRange range = {}) const;
  [[nodiscard]] ApiResult<bool> required_bool(std::string_view name) const;
  [[nodiscard]] ApiResult<std::optional<bool>> optional_bool(std::string_view name) const;
  // An RFC 3339 timestamp with a mandatory offset (see rfc3339.h).
  [[nodiscard]] ApiResult<std::chrono::sys_seconds> required_timestamp(std::string_view name) const;
  [[nodiscard]] ApiResult<std::optional<std::chrono::sys_seconds>> optional_timestamp(
      std::string_view name) const;
  [[nodiscard]] ApiResult<JsonObject> required_object(std::string_view name) const;
  [[nodiscard]] ApiResult<std::optional<JsonObject>> optional_object(std::string_view name) const;
  // An array of at most `max_items` elements.
  [[nodiscard]] ApiResult<JsonArray> required_array(std::string_view name,
                                                    std::size_t max_items) const;
  [[nodiscard]] ApiResult<std::optional<JsonArray>> optional_array(std::string_view name,
                                                                   std::size_t max_items) const;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const rapidjson::Value& value() const { return *value_; }

 private:
  JsonObject(const rapidjson::Value& value, std::string path)
      : value_(&value), path_(std::move(path)) {}
  // The member's value or nullptr when absent.
  [[nodiscard]] const rapidjson::Value* find(std::string_view name) const;
  [[nodiscard]] std::string field_path(std::string_view name) const;

  const rapidjson::Value* value_;
  std::string path_;
};

// A JSON array being read element by element; elements are named "path[i]".
class JsonArray {
 public:
  [[nodiscard]] std::size_t size() const { return value_->Size(); }
  [[nodiscard]] ApiResult<JsonObject> object_at(std::size_t index) const;
  [[nodiscard]] ApiResult<std::string> string_at(std::size_t index, StringRule rule = {}) const;
  [[nodiscard]] ApiResult<std::int64_t> int_at(std::size_t index, IntRange range = {}) const;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const rapidjson::Value& value() const { return *value_; }

 private:
  friend class JsonObject;
  JsonArray(const rapidjson::Value& value, std::string path)
      : value_(&value), path_(std::move(path)) {}
  [[nodiscard]] std::string element_path(std::size_t index) const;

  const rapidjson::Value* value_;
  std::string path_;
};

}  // namespace slotwise::service
