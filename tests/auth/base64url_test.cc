// base64url: RFC 4648 vectors without padding; only canonical text decodes.
#include "auth/base64url.h"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <utility>

using slotwise::auth::base64url_decode;
using slotwise::auth::base64url_encode;

TEST_CASE("RFC 4648 test vectors encode without padding and decode back") {
  const std::array<std::pair<const char*, const char*>, 7> vectors{{
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
  }};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64url_encode(plain) == encoded);
    CHECK(base64url_decode(encoded) == std::string(plain));
  }
}

TEST_CASE("the URL-safe alphabet replaces + and /") {
  CHECK(base64url_encode("\xFB\xFF") == "-_8");
  CHECK(base64url_decode("-_8") == std::string("\xFB\xFF"));
}

TEST_CASE("padding, foreign characters, impossible lengths and stray bits are refused") {
  CHECK_FALSE(base64url_decode("Zg==").has_value());
  CHECK_FALSE(base64url_decode("Zm9v+").has_value());
  CHECK_FALSE(base64url_decode("Zm/v").has_value());
  CHECK_FALSE(base64url_decode("Zm9vY").has_value());  // 4n+1 characters
  CHECK_FALSE(base64url_decode("Zh").has_value());     // 'h' leaves non-zero unused bits
  CHECK_FALSE(base64url_decode("Zm9 v").has_value());
}
