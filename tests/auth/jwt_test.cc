// HS256 JWT: round trip, a known vector, and every way a token is refused.
#include "auth/jwt.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "auth/base64url.h"

using slotwise::auth::base64url_decode;
using slotwise::auth::base64url_encode;
using slotwise::auth::JwtClaims;
using slotwise::auth::JwtCodec;
using slotwise::auth::JwtErrorCode;
using slotwise::auth::JwtKey;
using slotwise::auth::JwtSettings;

namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";
const sys_seconds kNow{seconds{1773475200}};  // 2026-03-14T08:00:00Z

JwtCodec codec(const char* secret = kSecret) {
  return JwtCodec(JwtKey::from_secret(secret).value(),
                  JwtSettings{"slotwise", "slotwise-api", seconds{30}});
}

// A token with arbitrary header and payload JSON, correctly HS256-signed, to
// reach the checks behind the signature.
std::string signed_raw(const std::string& header, const std::string& payload,
                       const std::string& secret = kSecret) {
  std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), &len);
  return input + "." + base64url_encode({reinterpret_cast<const char*>(mac.data()), len});
}

constexpr const char* kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::string payload(const std::string& extra = "") {
  return R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800)" +
         extra + "}";
}

JwtErrorCode error_of(const std::string& token, sys_seconds now = kNow) {
  const auto r = codec().verify(token, now);
  REQUIRE_FALSE_MESSAGE(r.ok(), token);
  return r.error().code;
}

}  // namespace

TEST_CASE("a signed token verifies and yields the same claims") {
  const JwtCodec c = codec();
  JwtClaims claims;
  claims.subject = "usr_4eC39HqLyjWDarjtT1zdp7";
  claims.issuer = "slotwise";
  claims.audience = "slotwise-api";
  claims.issued_at = kNow;
  claims.expires_at = kNow + seconds{3600};
  const std::string token = c.sign(claims).value();
  const auto verified = c.verify(token, kNow + seconds{10});
  REQUIRE_MESSAGE(verified.ok(), verified.error().message);
  CHECK(verified.value() == claims);
}

TEST_CASE("signing matches an independent HS256 implementation byte for byte") {
  JwtClaims claims{"usr_4eC39HqLyjWDarjtT1zdp7", "slotwise",   "slotwise-api", kNow,
                   kNow + seconds{3600},         std::nullopt, std::nullopt};
  // Computed with Python's hmac/hashlib over the same header and payload.
  CHECK(codec().sign(claims).value() ==
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiJ1c3JfNGVDMzlIcUx5aldEYXJqdFQxemRwNyIsImlzcyI6InNsb3R3aXNlIiwiYXVkIjoic2xvdHdp"
        "c2UtYXBpIiwiaWF0IjoxNzczNDc1MjAwLCJleHAiOjE3NzM0Nzg4MDB9."
        "WzLg_JRBzpc4esomrBBmaOB_-I093hxm3KmKYus--kk");
}

TEST_CASE("issue() fills issuer, audience, iat and exp") {
  const JwtCodec c = codec();
  const auto claims = c.verify(c.issue("usr_1", kNow, seconds{900}).value(), kNow).value();
  CHECK(claims.subject == "usr_1");
  CHECK(claims.issuer == "slotwise");
  CHECK(claims.audience == "slotwise-api");
  CHECK(claims.issued_at == kNow);
  CHECK(claims.expires_at == kNow + seconds{900});
  CHECK_FALSE(claims.not_before.has_value());
  CHECK_FALSE(claims.session_generation.has_value());
}

TEST_CASE("a session generation travels as sgn; a token without one has none") {
  const JwtCodec c = codec();
  const auto with = c.verify(c.issue("usr_1", kNow, seconds{900}, 3).value(), kNow).value();
  CHECK(with.session_generation == std::optional<std::int64_t>(3));
  const auto zero = c.verify(c.issue("usr_1", kNow, seconds{900}, 0).value(), kNow).value();
  CHECK(zero.session_generation == std::optional<std::int64_t>(0));
  // Exactly the claim named, and only when given: older verifiers never
  // see it, and tokens signed before it existed keep their bytes.
  const std::string token = c.issue("usr_1", kNow, seconds{900}, 7).value();
  const auto payload =
      base64url_decode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1));
  REQUIRE(payload.has_value());
  CHECK(payload->find(R"("sgn":7})") != std::string::npos);
  const std::string bare = c.issue("usr_1", kNow, seconds{900}).value();
  CHECK(base64url_decode(bare.substr(bare.find('.') + 1, bare.rfind('.') - bare.find('.') - 1))
            ->find("sgn") == std::string::npos);
}

TEST_CASE("a tampered payload or signature is a bad signature") {
  const std::string token = codec().issue("usr_1", kNow, seconds{900}).value();
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  const std::string forged_payload = base64url_encode(
      R"({"sub":"usr_admin","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773476100})");
  CHECK(error_of(token.substr(0, dot1 + 1) + forged_payload + token.substr(dot2)) ==
        JwtErrorCode::bad_signature);
  std::string flipped = token;
  flipped[dot2 + 1] = flipped[dot2 + 1] == 'A' ? 'B' : 'A';
  CHECK(error_of(flipped) == JwtErrorCode::bad_signature);
}

TEST_CASE("a token signed with another key is a bad signature") {
  const JwtCodec other = codec("ffffffffffffffffffffffffffffffff");
  CHECK(error_of(other.issue("usr_1", kNow, seconds{900}).value()) == JwtErrorCode::bad_signature);
}

TEST_CASE("alg none and every other algorithm are refused before the signature") {
  const std::string body = base64url_encode(payload());
  CHECK(error_of(base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + body + ".") ==
        JwtErrorCode::unsupported_algorithm);
  CHECK(error_of(base64url_encode(R"({"alg":"none"})") + "." + body + ".c2ln") ==
        JwtErrorCode::unsupported_algorithm);
  // Correctly HS256-signed, but labelled otherwise: still refused.
  CHECK(error_of(signed_raw(R"({"alg":"HS512","typ":"JWT"})", payload())) ==
        JwtErrorCode::unsupported_algorithm);
  CHECK(error_of(signed_raw(R"({"alg":"RS256"})", payload())) ==
        JwtErrorCode::unsupported_algorithm);
  CHECK(error_of(signed_raw(R"({"alg":"hs256"})", payload())) ==
        JwtErrorCode::unsupported_algorithm);
  CHECK(error_of(signed_raw(R"({"typ":"JWT"})", payload())) == JwtErrorCode::unsupported_algorithm);
}

TEST_CASE("headers with duplicate keys, crit, or another typ are malformed") {
  CHECK(error_of(signed_raw(R"({"alg":"HS256","alg":"none"})", payload())) ==
        JwtErrorCode::malformed);
  CHECK(error_of(signed_raw(R"({"alg":"HS256","crit":["exp"]})", payload())) ==
        JwtErrorCode::malformed);
  CHECK(error_of(signed_raw(R"({"alg":"HS256","typ":"JOSE+JSON"})", payload())) ==
        JwtErrorCode::malformed);
  CHECK(codec().verify(signed_raw(R"({"alg":"HS256"})", payload()), kNow).ok());
}

TEST_CASE("expiry is checked with the leeway: valid until exp + 30 s") {
  const std::string token = codec().issue("usr_1", kNow, seconds{60}).value();
  CHECK(codec().verify(token, kNow + seconds{60 + 29}).ok());
  CHECK(error_of(token, kNow + seconds{60 + 30}) == JwtErrorCode::expired);
  CHECK(error_of(token, kNow + seconds{86400}) == JwtErrorCode::expired);
}

TEST_CASE("nbf is honoured with the leeway") {
  const std::string token = signed_raw(kHeader, payload(R"(,"nbf":1773475300)"));
  CHECK(error_of(token, kNow) == JwtErrorCode::not_yet_valid);  // 100 s early
  const auto ok = codec().verify(token, kNow + seconds{70});    // 30 s early: within leeway
  REQUIRE(ok.ok());
  CHECK(ok.value().not_before == sys_seconds{seconds{1773475300}});
}

TEST_CASE("a wrong issuer or audience is refused; an audience array may contain ours") {
  CHECK(
      error_of(signed_raw(
          kHeader,
          R"({"sub":"usr_1","iss":"evil","aud":"slotwise-api","iat":1773475200,"exp":1773478800})")) ==
      JwtErrorCode::wrong_issuer);
  CHECK(
      error_of(signed_raw(
          kHeader,
          R"({"sub":"usr_1","iss":"slotwise","aud":"other-api","iat":1773475200,"exp":1773478800})")) ==
      JwtErrorCode::wrong_audience);
  CHECK(
      error_of(signed_raw(
          kHeader,
          R"({"sub":"usr_1","iss":"slotwise","aud":["a","b"],"iat":1773475200,"exp":1773478800})")) ==
      JwtErrorCode::wrong_audience);
  CHECK(codec()
            .verify(
                signed_raw(kHeader, R"({"sub":"usr_1","iss":"slotwise","aud":["x","slotwise-api"],)"
                                    R"("iat":1773475200,"exp":1773478800})"),
                kNow)
            .ok());
}

TEST_CASE("missing or mistyped claims are malformed") {
  for (
      const char* p : {
          R"({"iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800})",
          R"({"sub":"usr_1","aud":"slotwise-api","iat":1773475200,"exp":1773478800})",
          R"({"sub":"usr_1","iss":"slotwise","iat":1773475200,"exp":1773478800})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","exp":1773478800})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":"1773478800"})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800.5})",
          R"({"sub":"usr_1","iss":"slotwise","aud":7,"iat":1773475200,"exp":1773478800})",
          R"({"sub":"","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800})",
          R"({"sub":"usr_1","sub":"usr_2","iss":"slotwise","aud":"slotwise-api","iat":1,"exp":1773478800})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800,"sgn":"1"})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800,"sgn":-1})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800,"sgn":1.5})",
          R"({"sub":"usr_1","iss":"slotwise","aud":"slotwise-api","iat":1773475200,"exp":1773478800,"sgn":1,"sgn":2})",
          R"(["not an object"])",
      }) {
    CHECK_MESSAGE(error_of(signed_raw(kHeader, p)) == JwtErrorCode::malformed, p);
  }
}

TEST_CASE("structurally broken tokens are malformed") {
  const std::string token = codec().issue("usr_1", kNow, seconds{900}).value();
  CHECK(error_of("") == JwtErrorCode::malformed);
  CHECK(error_of("abc") == JwtErrorCode::malformed);
  CHECK(error_of("a.b") == JwtErrorCode::malformed);
  CHECK(error_of(token + ".extra") == JwtErrorCode::malformed);
  CHECK(error_of(token + "=") == JwtErrorCode::malformed);  // padding
  CHECK(error_of("!!!." + token.substr(token.find('.') + 1)) == JwtErrorCode::malformed);
  CHECK(error_of(token.substr(0, token.rfind('.') + 1)) == JwtErrorCode::malformed);
  CHECK(error_of(std::string(JwtCodec::kMaxTokenBytes + 1, 'a')) == JwtErrorCode::malformed);
}

TEST_CASE("keys shorter than 32 bytes are refused; a key file may end in a newline") {
  const auto short_key = JwtKey::from_secret("too short");
  REQUIRE_FALSE(short_key.ok());
  CHECK(short_key.error().code == JwtErrorCode::invalid_key);

  const std::string path = "/tmp/slotwise_jwt_test_" + std::to_string(::getpid()) + ".key";
  {
    std::ofstream out(path, std::ios::binary);
    out << kSecret << "\n";
  }
  const auto from_file = JwtKey::from_file(path);
  REQUIRE(from_file.ok());
  CHECK(from_file.value().bytes() == kSecret);
  {
    std::ofstream out(path, std::ios::binary);
    out << "short\n";
  }
  const auto short_file = JwtKey::from_file(path);
  REQUIRE_FALSE(short_file.ok());
  CHECK(short_file.error().code == JwtErrorCode::invalid_key);
  CHECK(std::remove(path.c_str()) == 0);
  const auto missing = JwtKey::from_file(path);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == JwtErrorCode::invalid_key);
}

TEST_CASE("error codes have stable names") {
  CHECK(std::string(to_string(JwtErrorCode::bad_signature)) == "bad_signature");
  CHECK(std::string(to_string(JwtErrorCode::wrong_audience)) == "wrong_audience");
}
