// Strict UTF-8: what is valid, how long it is, how invalid text is repaired.
#include "service/utf8.h"

#include <doctest/doctest.h>

#include <string>

using slotwise::service::is_valid_utf8;
using slotwise::service::sanitize_utf8;
using slotwise::service::truncate_utf8;
using slotwise::service::utf8_length;

TEST_CASE("well-formed text of every sequence length is valid") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("caf\xC3\xA9"));       // é, 2 bytes
  CHECK(is_valid_utf8("\xE2\x82\xAC"));      // €, 3 bytes
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));  // 😀, 4 bytes
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST_CASE("overlong forms, surrogates, truncation and out-of-range bytes are invalid") {
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800 high surrogate
  CHECK_FALSE(is_valid_utf8("\xED\xB0\x80"));      // U+DC00 low surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated €
  CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("length counts code points, not bytes") {
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("caf\xC3\xA9") == 4);
  CHECK(utf8_length("\xF0\x9F\x98\x80!") == 2);
}

TEST_CASE("sanitising replaces each invalid byte with U+FFFD and keeps the rest") {
  CHECK(sanitize_utf8("ok") == "ok");
  CHECK(sanitize_utf8("a\xFF"
                      "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(sanitize_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(is_valid_utf8(sanitize_utf8("\xC0\xAF\xE2\x82")));
}

TEST_CASE("truncating never splits a code point, so valid text stays valid") {
  CHECK(truncate_utf8("abc", 5) == "abc");
  CHECK(truncate_utf8("abc", 3) == "abc");
  CHECK(truncate_utf8("abc", 2) == "ab");
  CHECK(truncate_utf8("abc", 0).empty());
  const std::string euro = "\xE2\x82\xAC";  // €, 3 bytes
  CHECK(truncate_utf8("a" + euro, 3) == "a");
  CHECK(truncate_utf8("a" + euro, 4) == "a" + euro);
  const std::string grin = "\xF0\x9F\x98\x80";                   // 😀, 4 bytes
  const std::string text = "\xF0\x9F\x98\x80x\xF0\x9F\x98\x80";  // 😀x😀, 9 bytes
  for (std::size_t max = 0; max <= 9; ++max) {
    const std::string_view cut = truncate_utf8(text, max);
    CHECK(cut.size() <= max);
    CHECK(is_valid_utf8(cut));
    CHECK(text.starts_with(cut));
  }
  CHECK(truncate_utf8(text, 4) == grin);
  CHECK(truncate_utf8(text, 8) == text.substr(0, 5));
  CHECK(truncate_utf8(text, 9) == text);
}
