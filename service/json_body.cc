#include "service/json_body.h"

#include <cmath>
#include <unordered_set>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "service/rfc3339.h"
#include "service/utf8.h"

namespace slotwise::service {
namespace {

using common::fail;

// Iterative: the parser keeps its own heap stack, so hostile nesting cannot
// overflow ours. StopWhenDone: we check the rest of the body ourselves,
// because RapidJSON treats a NUL byte as the end of input. No NaN/Inf flag:
// those literals stay errors.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag |
    rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseFullPrecisionFlag;

ApiError invalid_json(const std::string& message) {
  return ApiError{400, error_code::kInvalidJson, "request body is not valid JSON: " + message};
}

// Forwards SAX events to a Document, refusing what RapidJSON lets through:
// surrogate code points in strings, duplicate keys and excessive depth. The
// first reason to refuse is kept for the error message.
class StrictHandler {
 public:
  StrictHandler(rapidjson::Document& doc, std::size_t max_depth)
      : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) {
    if (!std::isfinite(d)) return refuse("number is not finite");
    return doc_.Double(d);
  }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool copy) {
    return doc_.RawNumber(str, length, copy);
  }
  bool String(const char* str, rapidjson::SizeType length, bool copy) {
    if (!is_valid_utf8({str, length})) return refuse("string is not valid UTF-8");
    return doc_.String(str, length, copy);
  }
  bool StartObject() {
    if (!enter()) return false;
    keys_.emplace_back();
    return doc_.StartObject();
  }
  bool Key(const char* str, rapidjson::SizeType length, bool copy) {
    if (!is_valid_utf8({str, length})) return refuse("object key is not valid UTF-8");
    if (!keys_.back().emplace(str, length).second) {
      return refuse("duplicate key '" + std::string(str, length) + "'");
    }
    return doc_.Key(str, length, copy);
  }
  bool EndObject(rapidjson::SizeType count) {
    keys_.pop_back();
    --depth_;
    return doc_.EndObject(count);
  }
  bool StartArray() {
    if (!enter()) return false;
    return doc_.StartArray();
  }
  bool EndArray(rapidjson::SizeType count) {
    --depth_;
    return doc_.EndArray(count);
  }

  [[nodiscard]] const std::string& reason() const { return reason_; }

 private:
  bool enter() {
    if (++depth_ > max_depth_) {
      return refuse("nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    return true;
  }
  bool refuse(std::string reason) {
    reason_ = std::move(reason);
    return false;
  }

  rapidjson::Document& doc_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  // Keys seen so far in each open object, innermost last.
  std::vector<std::unordered_set<std::string>> keys_;
  std::string reason_;
};

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string quoted(const std::string& path) { return "field '" + path + "'"; }

ApiError wrong_type(const std::string& path, const char* expected) {
  return invalid_request(quoted(path) + " must be " + expected);
}

ApiError missing(const std::string& path) { return invalid_request(quoted(path) + " is required"); }

ApiResult<std::string> read_string(const rapidjson::Value& v, const std::string& path,
                                   StringRule rule) {
  if (!v.IsString()) return fail(wrong_type(path, "a string"));
  std::string_view text(v.GetString(), v.GetStringLength());
  // parse_json already guarantees valid UTF-8; a Value built elsewhere may not.
  if (!is_valid_utf8(text)) return fail(invalid_request(quoted(path) + " is not valid UTF-8"));
  if (text.find('\0') != std::string_view::npos) {
    return fail(invalid_request(quoted(path) + " must not contain U+0000"));
  }
  const std::size_t length = utf8_length(text);
  if (length < rule.min_length) {
    return fail(invalid_request(quoted(path) + " must be at least " +
                                std::to_string(rule.min_length) + " characters long"));
  }
  if (length > rule.max_length) {
    return fail(invalid_request(quoted(path) + " must be at most " +
                                std::to_string(rule.max_length) + " characters long"));
  }
  return std::string(text);
}

ApiResult<std::int64_t> read_int(const rapidjson::Value& v, const std::string& path,
                                 IntRange range) {
  const auto out_of_range = [&] {
    return invalid_request(quoted(path) + " must be between " + std::to_string(range.min) +
                           " and " + std::to_string(range.max));
  };
  if (!v.IsNumber()) return fail(wrong_type(path, "an integer"));
  if (v.IsInt64()) {
    const std::int64_t i = v.GetInt64();
    if (i < range.min || i > range.max) return fail(out_of_range());
    return i;
  }
  // Written as an integer but above INT64_MAX: out of range, never wrapped.
  if (v.IsUint64()) return fail(out_of_range());
  // A double: either it has a fraction or exponent ("must be an integer"), or
  // it is an integer too large for int64 that RapidJSON had to store as a
  // double (-9223372036854775809, 1e30): out of range. Such a literal rounds
  // to a double of magnitude >= 2^63, and nothing written as an integer
  // inside int64's range is ever stored as a double.
  const double d = v.GetDouble();
  constexpr double kTwoPow63 = 9223372036854775808.0;
  if (std::trunc(d) == d && (d >= kTwoPow63 || d <= -kTwoPow63)) return fail(out_of_range());
  return fail(wrong_type(path, "an integer"));
}

ApiResult<std::chrono::sys_seconds> read_timestamp(const rapidjson::Value& v,
                                                   const std::string& path) {
  if (!v.IsString()) return fail(wrong_type(path, "an RFC 3339 timestamp string"));
  auto t = parse_rfc3339({v.GetString(), v.GetStringLength()});
  if (!t.ok()) {
    return fail(
        invalid_request(quoted(path) + " must be an RFC 3339 timestamp with offset: " + t.error()));
  }
  return t.value();
}

}  // namespace

ApiResult<rapidjson::Document> parse_json(std::string_view body, const JsonLimits& limits) {
  if (body.empty()) return fail(invalid_json("body is empty"));
  rapidjson::Document doc;
  rapidjson::MemoryStream stream(body.data(), body.size());
  rapidjson::Reader reader;
  StrictHandler handler(doc, limits.max_depth);
  rapidjson::ParseResult parsed;
  auto generator = [&](rapidjson::Document&) {
    parsed = reader.Parse<kParseFlags>(stream, handler);
    return !parsed.IsError();
  };
  doc.Populate(generator);
  if (parsed.IsError()) {
    const std::string what = parsed.Code() == rapidjson::kParseErrorTermination
                                 ? handler.reason()
                                 : rapidjson::GetParseError_En(parsed.Code());
    return fail(invalid_json(what + " (at offset " + std::to_string(parsed.Offset()) + ")"));
  }
  for (std::size_t pos = stream.Tell(); pos < body.size(); ++pos) {
    if (!is_json_whitespace(body[pos])) {
      return fail(invalid_json("unexpected data after the JSON value (at offset " +
                               std::to_string(pos) + ")"));
    }
  }
  return doc;
}

// --- JsonObject ----------------------------------------------------------

ApiResult<JsonObject> JsonObject::of(const rapidjson::Value& value, std::string path) {
  if (!value.IsObject()) {
    if (path.empty()) return fail(invalid_request("request body must be a JSON object"));
    return fail(wrong_type(path, "an object"));
  }
  return JsonObject(value, std::move(path));
}

const rapidjson::Value* JsonObject::find(std::string_view name) const {
  const rapidjson::Value key(rapidjson::StringRef(name.data(), name.size()));
  const auto it = value_->FindMember(key);
  return it == value_->MemberEnd() ? nullptr : &it->value;
}

std::string JsonObject::field_path(std::string_view name) const {
  if (path_.empty()) return std::string(name);
  std::string out = path_;
  out += '.';
  out += name;
  return out;
}

ApiResult<common::Unit> JsonObject::reject_unknown_fields(
    std::initializer_list<std::string_view> allowed) const {
  for (const auto& member : value_->GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    bool known = false;
    for (const std::string_view a : allowed) known = known || a == name;
    if (!known) {
      return fail(invalid_request("unknown field '" + sanitize_utf8(field_path(name)) + "'"));
    }
  }
  return common::Unit{};
}

bool JsonObject::has(std::string_view name) const {
  const rapidjson::Value* v = find(name);
  return v != nullptr && !v->IsNull();
}

bool JsonObject::is_null(std::string_view name) const {
  const rapidjson::Value* v = find(name);
  return v != nullptr && v->IsNull();
}

ApiResult<std::string> JsonObject::required_string(std::string_view name, StringRule rule) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return fail(missing(field_path(name)));
  return read_string(*v, field_path(name), rule);
}

ApiResult<std::optional<std::string>> JsonObject::optional_string(std::string_view name,
                                                                  StringRule rule) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr || v->IsNull()) return std::optional<std::string>{};
  auto s = read_string(*v, field_path(name), rule);
  if (!s.ok()) return fail(std::move(s).error());
  return std::optional<std::string>{std::move(s).value()};
}

ApiResult<std::int64_t> JsonObject::required_int(std::string_view name, IntRange range) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return fail(missing(field_path(name)));
  return read_int(*v, field_path(name), range);
}

ApiResult<std::optional<std::int64_t>> JsonObject::optional_int(std::string_view name,
                                                                IntRange range) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr || v->IsNull()) return std::optional<std::int64_t>{};
  auto i = read_int(*v, field_path(name), range);
  if (!i.ok()) return fail(std::move(i).error());
  return std::optional<std::int64_t>{i.value()};
}

ApiResult<bool> JsonObject::required_bool(std::string_view name) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return fail(missing(field_path(name)));
  if (!v->IsBool()) return fail(wrong_type(field_path(name), "true or false"));
  return v->GetBool();
}

ApiResult<std::optional<bool>> JsonObject::optional_bool(std::string_view name) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr || v->IsNull()) return std::optional<bool>{};
  if (!v->IsBool()) return fail(wrong_type(field_path(name), "true or false"));
  return std::optional<bool>{v->GetBool()};
}

ApiResult<std::chrono::sys_seconds> JsonObject::required_timestamp(std::string_view name) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return fail(missing(field_path(name)));
  return read_timestamp(*v, field_path(name));
}

ApiResult<std::optional<std::chrono::sys_seconds>> JsonObject::optional_timestamp(
    std::string_view name) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr || v->IsNull()) return std::optional<std::chrono::sys_seconds>{};
  auto t = read_timestamp(*v, field_path(name));
  if (!t.ok()) return fail(std::move(t).error());
  return std::optional<std::chrono::sys_seconds>{t.value()};
}

ApiResult<JsonObject> JsonObject::required_object(std::string_view name) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return fail(missing(field_path(name)));
  if (!v->IsObject()) return fail(wrong_type(field_path(name), "an object"));
  return JsonObject(*v, field_path(name));
}

ApiResult<std::optional<JsonObject>> JsonObject::optional_object(std::string_view name) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr || v->IsNull()) return std::optional<JsonObject>{};
  if (!v->IsObject()) return fail(wrong_type(field_path(name), "an object"));
  return std::optional<JsonObject>{JsonObject(*v, field_path(name))};
}

ApiResult<JsonArray> JsonObject::required_array(std::string_view name,
                                                std::size_t max_items) const {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return fail(missing(field_path(name)));
  if (!v->IsArray()) return fail(wrong_type(field_path(name), "an array"));
  if (v->Size() > max_items) {
    return fail(invalid_request(quoted(field_path(name)) + " must have at most " +
                                std::to_string(max_items) + " items"));
  }
  return JsonArray(*v, field_path(name));
}

ApiResult<std::optional<JsonArray>> JsonObject::optional_array(std::string_view name,
                                                               std::size_t max_items) const {
  if (!has(name)) return std::optional<JsonArray>{};
  auto a = required_array(name, max_items);
  if (!a.ok()) return fail(std::move(a).error());
  return std::optional<JsonArray>{std::move(a).value()};
}

// --- JsonArray -----------------------------------------------------------

std::string JsonArray::element_path(std::size_t index) const {
  return path_ + "[" + std::to_string(index) + "]";
}

ApiResult<JsonObject> JsonArray::object_at(std::size_t index) const {
  if (index >= size()) return fail(missing(element_path(index)));
  return JsonObject::of((*value_)[static_cast<rapidjson::SizeType>(index)], element_path(index));
}

ApiResult<std::string> JsonArray::string_at(std::size_t index, StringRule rule) const {
  if (index >= size()) return fail(missing(element_path(index)));
  return read_string((*value_)[static_cast<rapidjson::SizeType>(index)], element_path(index), rule);
}

ApiResult<std::int64_t> JsonArray::int_at(std::size_t index, IntRange range) const {
  if (index >= size()) return fail(missing(element_path(index)));
  return read_int((*value_)[static_cast<rapidjson::SizeType>(index)], element_path(index), range);
}

}  // namespace slotwise::service
