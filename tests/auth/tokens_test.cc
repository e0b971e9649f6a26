// Ids and manage tokens: formats, uniqueness, hashing, constant-time match.
#include "auth/tokens.h"

#include <doctest/doctest.h>

#include <array>
#include <set>
#include <string>

using slotwise::auth::IdKind;
using slotwise::auth::is_valid_id;
using slotwise::auth::manage_token_matches;
using slotwise::auth::new_id;
using slotwise::auth::new_manage_token;
using slotwise::auth::sha256_hex;

TEST_CASE("ids are the type prefix and 22 base62 characters (44 for bookings)") {
  const std::array<std::pair<IdKind, std::string>, 4> kinds{{{IdKind::user, "usr_"},
                                                             {IdKind::business, "biz_"},
                                                             {IdKind::service, "svc_"},
                                                             {IdKind::booking, "bkg_"}}};
  for (const auto& [kind, prefix] : kinds) {
    const std::string id = new_id(kind).value();
    CHECK(id.size() == (kind == IdKind::booking ? 48U : 26U));
    CHECK(id.substr(0, 4) == prefix);
    CHECK(id.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                               4) == std::string::npos);
    CHECK(is_valid_id(id, kind));
  }
}

TEST_CASE("ids do not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(new_id(IdKind::booking).value());
  CHECK(seen.size() == 10000);
}

TEST_CASE("ids of the wrong type or shape are not valid") {
  const std::string id = new_id(IdKind::user).value();
  CHECK_FALSE(is_valid_id(id, IdKind::business));
  CHECK_FALSE(is_valid_id(id.substr(0, 25), IdKind::user));
  CHECK_FALSE(is_valid_id(id + "x", IdKind::user));
  CHECK_FALSE(is_valid_id("usr_4eC39HqLyjWDarjtT1zd-7", IdKind::user));
  CHECK_FALSE(is_valid_id("my-salon", IdKind::business));
  CHECK(is_valid_id("usr_4eC39HqLyjWDarjtT1zdp7", IdKind::user));
}

TEST_CASE("SHA-256 hex matches the FIPS 180-2 vectors") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("a manage token is 43 base64url characters and stored only as its hash") {
  const auto t = new_manage_token().value();
  CHECK(t.token.size() == 43);
  CHECK(t.token.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(t.sha256_hex == sha256_hex(t.token));
  CHECK(t.sha256_hex.size() == 64);
  CHECK(new_manage_token().value().token != t.token);
}

TEST_CASE("a presented token matches its stored hash, and nothing else does") {
  const auto t = new_manage_token().value();
  CHECK(manage_token_matches(t.token, t.sha256_hex));
  std::string altered = t.token;
  altered[0] = altered[0] == 'A' ? 'B' : 'A';
  CHECK_FALSE(manage_token_matches(altered, t.sha256_hex));
  CHECK_FALSE(manage_token_matches(t.token.substr(1), t.sha256_hex));
  CHECK_FALSE(manage_token_matches(t.token, t.sha256_hex.substr(1)));
  CHECK_FALSE(manage_token_matches("", ""));
}
