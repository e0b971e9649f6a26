// Password reset tokens: derived from user, request and expiry under the
// key, carrying user and request for the confirm step; a token with a wrong
// MAC, another key, another expiry or an altered part does not match.
#include "auth/password_reset_token.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "auth/derived_ids.h"

using slotwise::auth::derive_manage_token;
using slotwise::auth::derive_password_reset_token;
using slotwise::auth::new_reset_request_id;
using slotwise::auth::parse_password_reset_token;
using slotwise::auth::password_reset_token_matches;

namespace {

const std::string kKey(32, 'k');
const std::string kUser = "usr_4eC39HqLyjWDarjtT1zdp7";
const std::string kRequest = "0123456789abcdef0123456789abcdef";
const std::chrono::sys_seconds kExpires{std::chrono::seconds{1'780'000'000}};

}  // namespace

TEST_CASE("a reset token names its user and request and matches under its key and expiry") {
  const std::string token = derive_password_reset_token(kKey, kUser, kRequest, kExpires).value();
  CHECK(token.rfind(kUser + "." + kRequest + ".", 0) == 0);
  CHECK(token.size() == kUser.size() + 1 + kRequest.size() + 1 + 43);
  const auto ref = parse_password_reset_token(token);
  REQUIRE(ref);
  CHECK(ref->user_id == kUser);
  CHECK(ref->request_id == kRequest);
  CHECK(password_reset_token_matches(kKey, token, kExpires));
  // Stable: derived, not drawn, so the notifier derives the same one.
  CHECK(token == derive_password_reset_token(kKey, kUser, kRequest, kExpires).value());
}

TEST_CASE("a reset token does not match with a wrong MAC, key, expiry, user or request") {
  const std::string token = derive_password_reset_token(kKey, kUser, kRequest, kExpires).value();
  std::string forged = token;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(password_reset_token_matches(kKey, forged, kExpires));
  CHECK_FALSE(password_reset_token_matches(std::string(32, 'j'), token, kExpires));
  CHECK_FALSE(password_reset_token_matches(kKey, token, kExpires + std::chrono::seconds(1)));
  // The MAC of one request does not carry over to another user or request.
  const std::string other_user = "usr_4eC39HqLyjWDarjtT1zdp8" + token.substr(kUser.size());
  CHECK_FALSE(password_reset_token_matches(kKey, other_user, kExpires));
  std::string other_request = token;
  other_request[kUser.size() + 1] = '9';
  CHECK_FALSE(password_reset_token_matches(kKey, other_request, kExpires));
  // A manage token under the same key is another label's MAC.
  const std::string manage = derive_manage_token(kKey, kRequest).value().token;
  CHECK_FALSE(password_reset_token_matches(kKey, kUser + "." + kRequest + "." + manage, kExpires));
}

TEST_CASE("only the token's exact shape parses") {
  const std::string token = derive_password_reset_token(kKey, kUser, kRequest, kExpires).value();
  for (const std::string& bad :
       {std::string(), std::string("x"), token + ".", token + "=", "." + token,
        token.substr(0, token.size() - 1),
        "biz_4eC39HqLyjWDarjtT1zdp7" + token.substr(kUser.size()),
        kUser + "." + kRequest.substr(1) + token.substr(kUser.size() + 1 + kRequest.size()),
        kUser + ".0123456789ABCDEF0123456789abcdef" +
            token.substr(kUser.size() + 1 + kRequest.size())}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_password_reset_token(bad));
    CHECK_FALSE(password_reset_token_matches(kKey, bad, kExpires));
  }
  CHECK_FALSE(derive_password_reset_token("short", kUser, kRequest, kExpires));
}

TEST_CASE("request ids are 32 random lowercase hex characters") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = new_reset_request_id().value();
    CHECK(id.size() == 32);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}
