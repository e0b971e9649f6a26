// Strict JSON request parsing: nasty bodies are refused with a precise 400,
// and typed field readers never silently convert or truncate.
#include "service/json_body.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>

using slotwise::service::ApiError;
using slotwise::service::error_body;
using slotwise::service::IntRange;
using slotwise::service::JsonObject;
using slotwise::service::parse_json;
using slotwise::service::StringRule;

namespace {

// The parse error message for `body` ("" if it parses).
std::string parse_error(const std::string& body) {
  auto doc = parse_json(body);
  if (doc.ok()) return "";
  CHECK(doc.error().status == 400);
  CHECK(doc.error().code == "invalid_json");
  return doc.error().message;
}

// The root object of a body that must parse.
struct Body {
  explicit Body(const std::string& text) : doc(parse_json(text)) {
    REQUIRE_MESSAGE(doc.ok(), doc.error().message);
  }
  [[nodiscard]] JsonObject root() const {
    auto obj = JsonObject::of(doc.value());
    REQUIRE(obj.ok());
    return obj.value();
  }
  slotwise::service::ApiResult<rapidjson::Document> doc;
};

template <class R>
std::string error_of(const R& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().status == 400);
  CHECK(result.error().code == "invalid_request");
  return result.error().message;
}

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("trailing garbage after the value is refused, trailing whitespace is not") {
  CHECK(parse_error("{\"a\":1} x") ==
        "request body is not valid JSON: unexpected data after the JSON value (at offset 8)");
  CHECK(parse_error("{\"a\":1}{\"b\":2}") ==
        "request body is not valid JSON: unexpected data after the JSON value (at offset 7)");
  CHECK(parse_error(std::string("{\"a\":1}\0junk", 12)) ==
        "request body is not valid JSON: unexpected data after the JSON value (at offset 7)");
  CHECK(parse_error("{\"a\":1} \r\n\t").empty());
}

TEST_CASE("empty and whitespace-only bodies are refused") {
  CHECK(parse_error("") == "request body is not valid JSON: body is empty");
  CHECK(parse_error("   ") ==
        "request body is not valid JSON: The document is empty. (at offset 3)");
}

TEST_CASE("NaN, Infinity and numbers beyond a double are refused") {
  CHECK(parse_error("{\"n\":NaN}") != "");
  CHECK(parse_error("{\"n\":Infinity}") != "");
  CHECK(parse_error("{\"n\":-Infinity}") != "");
  CHECK(parse_error("{\"n\":1e400}") ==
        "request body is not valid JSON: Number too big to be stored in double. (at offset 5)");
}

TEST_CASE("a lone surrogate escape is refused, a valid pair is decoded") {
  CHECK(parse_error(R"({"s":"\ud800"})") ==
        "request body is not valid JSON: The surrogate pair in string is invalid. (at offset 6)");
  CHECK(parse_error(R"({"s":"\udc00"})").find("string is not valid UTF-8") != std::string::npos);
  CHECK(parse_error(R"({"\udc00":1})").find("object key is not valid UTF-8") != std::string::npos);
  const Body body(R"({"s":"\ud83d\ude00"})");
  CHECK(body.root().required_string("s").value() == "\xF0\x9F\x98\x80");
}

TEST_CASE("raw invalid UTF-8 bytes in a string are refused") {
  CHECK(parse_error("{\"s\":\"\xC0\xAF\"}") ==
        "request body is not valid JSON: Invalid encoding in string. (at offset 6)");
  CHECK(parse_error("{\"s\":\"\xED\xA0\x80\"}") != "");
}

TEST_CASE("nesting up to the limit parses, one level more is refused without recursion") {
  CHECK(parse_error(nested(32)).empty());
  CHECK(parse_error(nested(33)) ==
        "request body is not valid JSON: nesting deeper than 32 levels (at offset 32)");
  CHECK(parse_error("{\"a\":" + nested(32) + "}").find("nesting deeper than 32") !=
        std::string::npos);
  // 100,000 levels: refused at level 33, and the iterative parser never
  // recursed, so this cannot overflow the stack.
  CHECK(parse_error(std::string(100000, '[')).find("nesting deeper than 32") != std::string::npos);
}

TEST_CASE("duplicate keys are refused at any depth; equal keys in sibling objects are fine") {
  CHECK(parse_error(R"({"a":1,"a":2})") ==
        "request body is not valid JSON: duplicate key 'a' (at offset 10)");
  CHECK(parse_error(R"({"o":{"k":1,"k":1}})").find("duplicate key 'k'") != std::string::npos);
  CHECK(parse_error(R"([{"k":1},{"k":2}])").empty());
}

TEST_CASE("a body that is not an object is refused by JsonObject::of") {
  const auto doc = parse_json("[1,2]");
  REQUIRE(doc.ok());
  CHECK(error_of(JsonObject::of(doc.value())) == "request body must be a JSON object");
}

TEST_CASE("typed getters name the field and the expected type") {
  const Body body(R"({"name":5,"count":"7","flag":1,"when":7,"obj":[],"arr":{}})");
  const JsonObject o = body.root();
  CHECK(error_of(o.required_string("name")) == "field 'name' must be a string");
  CHECK(error_of(o.required_int("count")) == "field 'count' must be an integer");
  CHECK(error_of(o.required_bool("flag")) == "field 'flag' must be true or false");
  CHECK(error_of(o.required_timestamp("when")) ==
        "field 'when' must be an RFC 3339 timestamp string");
  CHECK(error_of(o.required_object("obj")) == "field 'obj' must be an object");
  CHECK(error_of(o.required_array("arr", 10)) == "field 'arr' must be an array");
  CHECK(error_of(o.required_string("absent")) == "field 'absent' is required");
}

TEST_CASE("integers beyond int64 are out of range, never truncated or wrapped") {
  const Body body(R"({"max":9223372036854775807,"min":-9223372036854775808,)"
                  R"("over":9223372036854775808,"under":-9223372036854775809,"huge":1e30})");
  const JsonObject o = body.root();
  CHECK(o.required_int("max").value() == INT64_MAX);
  CHECK(o.required_int("min").value() == INT64_MIN);
  const std::string range = " must be between -9223372036854775808 and 9223372036854775807";
  CHECK(error_of(o.required_int("over")) == "field 'over'" + range);
  CHECK(error_of(o.required_int("under")) == "field 'under'" + range);
  CHECK(error_of(o.required_int("huge")) == "field 'huge'" + range);
}

TEST_CASE("fractions and exponents are not integers; ranges are inclusive") {
  const Body body(R"({"neg_half":-0.5,"one_point_oh":1.0,"exp":1e2,"five":5,"zero":0})");
  const JsonObject o = body.root();
  CHECK(error_of(o.required_int("neg_half")) == "field 'neg_half' must be an integer");
  CHECK(error_of(o.required_int("one_point_oh")) == "field 'one_point_oh' must be an integer");
  CHECK(error_of(o.required_int("exp")) == "field 'exp' must be an integer");
  CHECK(o.required_int("five", IntRange{5, 480}).value() == 5);
  CHECK(error_of(o.required_int("zero", IntRange{5, 480})) ==
        "field 'zero' must be between 5 and 480");
}

TEST_CASE("string length limits count code points; U+0000 is refused") {
  const Body body(
      R"({"e3":"\u00e9\u00e9\u00e9","e4":"\u00e9\u00e9\u00e9\u00e9","nul":"a\u0000b","empty":""})");
  const JsonObject o = body.root();
  CHECK(o.required_string("e3", StringRule{1, 3}).value() == "\xC3\xA9\xC3\xA9\xC3\xA9");
  CHECK(error_of(o.required_string("e4", StringRule{1, 3})) ==
        "field 'e4' must be at most 3 characters long");
  CHECK(error_of(o.required_string("empty", StringRule{1, 3})) ==
        "field 'empty' must be at least 1 characters long");
  CHECK(error_of(o.required_string("nul")) == "field 'nul' must not contain U+0000");
}

TEST_CASE("optional fields: absent and null are both empty, a wrong type is still an error") {
  const Body body(R"({"notes":null,"count":"x"})");
  const JsonObject o = body.root();
  CHECK_FALSE(o.optional_string("notes").value().has_value());
  CHECK_FALSE(o.optional_string("missing").value().has_value());
  CHECK(o.is_null("notes"));
  CHECK_FALSE(o.has("notes"));
  CHECK(error_of(o.optional_int("count")) == "field 'count' must be an integer");
}

TEST_CASE("unknown fields are refused with their full path") {
  const Body body(R"({"service_id":"svc_1","customer":{"name":"A","phon":"1"},"extra":true})");
  const JsonObject o = body.root();
  CHECK(error_of(o.reject_unknown_fields({"service_id", "customer"})) == "unknown field 'extra'");
  CHECK(o.reject_unknown_fields({"service_id", "customer", "extra"}).ok());
  const JsonObject customer = o.required_object("customer").value();
  CHECK(error_of(customer.reject_unknown_fields({"name", "email", "phone"})) ==
        "unknown field 'customer.phon'");
  CHECK(error_of(customer.required_string("email")) == "field 'customer.email' is required");
}

TEST_CASE("arrays are bounded and their elements are named by index") {
  const Body body(R"({"intervals":[{"start":"09:00"},{"start":5}],"ids":["a",1]})");
  const JsonObject o = body.root();
  CHECK(error_of(o.required_array("intervals", 1)) ==
        "field 'intervals' must have at most 1 items");
  const auto intervals = o.required_array("intervals", 10).value();
  REQUIRE(intervals.size() == 2);
  CHECK(intervals.object_at(0).value().required_string("start").value() == "09:00");
  CHECK(error_of(intervals.object_at(1).value().required_string("start")) ==
        "field 'intervals[1].start' must be a string");
  const auto ids = o.required_array("ids", 10).value();
  CHECK(ids.string_at(0).value() == "a");
  CHECK(error_of(ids.string_at(1)) == "field 'ids[1]' must be a string");
  CHECK(error_of(ids.object_at(0)) == "field 'ids[0]' must be an object");
}

TEST_CASE("timestamps must carry an offset and exist in the calendar") {
  const Body body(
      R"({"ok":"2026-03-14T09:30:00+01:00","local":"2026-03-14T09:30:00","feb30":"2026-02-30T10:00:00Z"})");
  const JsonObject o = body.root();
  using std::chrono::sys_days;
  CHECK(o.required_timestamp("ok").value() == sys_days{std::chrono::year{2026} / 3 / 14} +
                                                  std::chrono::hours{8} + std::chrono::minutes{30});
  CHECK(error_of(o.required_timestamp("local")) ==
        "field 'local' must be an RFC 3339 timestamp with offset: missing UTC offset (Z or "
        "+hh:mm)");
  CHECK(error_of(o.required_timestamp("feb30")) ==
        "field 'feb30' must be an RFC 3339 timestamp with offset: date does not exist in the "
        "calendar");
}

TEST_CASE("error bodies have one shape and are escaped") {
  CHECK(error_body(ApiError{409, "slot_unavailable", "taken"}) ==
        R"({"error":{"code":"slot_unavailable","message":"taken"}})");
  CHECK(error_body(ApiError{400, "invalid_request", "say \"hi\"\n\\"}) ==
        R"({"error":{"code":"invalid_request","message":"say \"hi\"\n\\"}})");
  // Invalid UTF-8 in a message never produces an invalid document.
  CHECK(error_body(ApiError{400, "x", "\xFF"}) ==
        "{\"error\":{\"code\":\"x\",\"message\":\"\xEF\xBF\xBD\"}}");
}
