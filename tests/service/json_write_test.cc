// json_string()/json_member() must write exactly what RapidJSON's own
// String() writes, for texts that take the one-piece copy and for every
// kind that must not (escapes, control characters, NUL), short and long,
// in values and in keys, with the separators right.
#include "service/json_write.h"

#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using slotwise::service::json_member;
using slotwise::service::json_string;
using slotwise::service::JsonWriter;

// {"<text>": "<text>", "n": <n>} written by RapidJSON alone.
std::string by_rapidjson(const std::string& text, std::int64_t n) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  w.Key("n");
  w.Int64(n);
  w.EndObject();
  return b.GetString();
}

std::string by_helpers(const std::string& text, std::int64_t n) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  json_member(w, text, text);
  json_member(w, "n", n);
  w.EndObject();
  return b.GetString();
}

}  // namespace

TEST_CASE("strings are written exactly as RapidJSON writes them") {
  std::vector<std::string> texts = {"",
                                    "plain",
                                    "bkg_01HZX3",
                                    "2026-11-27T10:00:00+01:00",
                                    "Zoë Ångström — 東京",
                                    "quote \" inside",
                                    "back\\slash",
                                    "new\nline\ttab",
                                    std::string("nul\0byte", 8),
                                    "\x1f unit separator",
                                    "\x7f delete is not escaped",
                                    "/ slash is not escaped"};
  // Long texts, plain and with one character to escape.
  for (std::size_t n : {253, 254, 255, 256, 1000, 100000}) {
    texts.emplace_back(n, 'x');
    std::string escaped(n, 'y');
    escaped[n / 2] = '"';
    texts.push_back(escaped);
  }
  for (const auto& t : texts) {
    CAPTURE(t);
    CHECK(by_helpers(t, -42) == by_rapidjson(t, -42));
  }
}

TEST_CASE("every byte value at every position of a word is written as RapidJSON writes it") {
  // Each byte value at each offset of texts of several lengths, in plain
  // surroundings: the plain-text check must send exactly the bytes String()
  // escapes the slow way.
  for (std::size_t length : {1, 7, 8, 9, 16, 23}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int b = 1; b < 256; ++b) {
        std::string t(length, 'a');
        t[at] = static_cast<char>(b);
        if (by_helpers(t, 1) != by_rapidjson(t, 1)) {
          FAIL("length " << length << ", byte " << b << " at " << at);
        }
      }
    }
  }
  std::string with_nul(12, 'a');
  with_nul[9] = '\0';
  CHECK(by_helpers(with_nul, 1) == by_rapidjson(with_nul, 1));
}

TEST_CASE("a plain string is one quoted piece and separators stay right in arrays") {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartArray();
  json_string(w, "a");
  json_string(w, "b\"c");
  json_string(w, "");
  w.EndArray();
  CHECK(std::string(b.GetString()) == R"(["a","b\"c",""])");
  CHECK(w.IsComplete());
}

TEST_CASE("integer members keep their full range") {
  CHECK(by_helpers("min", INT64_MIN) == by_rapidjson("min", INT64_MIN));
  CHECK(by_helpers("max", INT64_MAX) == by_rapidjson("max", INT64_MAX));
}
