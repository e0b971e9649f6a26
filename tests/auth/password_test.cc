// Argon2id: PHC format, verification, refusal of other variants and of
// malformed hashes. Cheap parameters except one check of the defaults.
#include "auth/password.h"

#include <doctest/doctest.h>

#include <string>

using slotwise::auth::Argon2Params;
using slotwise::auth::PasswordErrorCode;
using slotwise::auth::PasswordHasher;

namespace {

PasswordHasher cheap() {
  Argon2Params p;
  p.time_cost = 1;
  p.memory_kib = 64;
  p.parallelism = 1;
  return PasswordHasher(p);
}

bool is_b64_nopad(const std::string& s) {
  return s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") ==
         std::string::npos;
}

}  // namespace

TEST_CASE("a hash is an argon2id PHC string with our parameters, 16-byte salt, 32-byte hash") {
  const auto h = cheap().hash("correct horse battery staple");
  REQUIRE(h.ok());
  const std::string& s = h.value();
  const std::string prefix = "$argon2id$v=19$m=64,t=1,p=1$";
  REQUIRE(s.substr(0, prefix.size()) == prefix);
  const std::string rest = s.substr(prefix.size());
  const auto dollar = rest.find('$');
  REQUIRE(dollar != std::string::npos);
  const std::string salt = rest.substr(0, dollar);
  const std::string hash = rest.substr(dollar + 1);
  CHECK(salt.size() == 22);  // 16 bytes, unpadded base64
  CHECK(hash.size() == 43);  // 32 bytes
  CHECK(is_b64_nopad(salt));
  CHECK(is_b64_nopad(hash));
}

TEST_CASE("the right password verifies, a wrong one does not") {
  const PasswordHasher hasher = cheap();
  const std::string h = hasher.hash("s3cret!").value();
  CHECK(hasher.verify("s3cret!", h).value());
  CHECK_FALSE(hasher.verify("s3cret", h).value());
  CHECK_FALSE(hasher.verify("S3cret!", h).value());
  CHECK_FALSE(hasher.verify("", h).value());
}

TEST_CASE("each hash has a fresh salt") {
  const PasswordHasher hasher = cheap();
  const std::string a = hasher.hash("same").value();
  const std::string b = hasher.hash("same").value();
  CHECK(a != b);
  CHECK(hasher.verify("same", a).value());
  CHECK(hasher.verify("same", b).value());
}

TEST_CASE("a hash made with other parameters still verifies and asks for a rehash") {
  const PasswordHasher old_hasher = cheap();
  Argon2Params stronger = old_hasher.params();
  stronger.time_cost = 2;
  const PasswordHasher new_hasher(stronger);
  const std::string h = old_hasher.hash("pw").value();
  CHECK(new_hasher.verify("pw", h).value());
  CHECK(new_hasher.needs_rehash(h));
  CHECK_FALSE(old_hasher.needs_rehash(h));
}

TEST_CASE("malformed hashes, other argon2 variants and absurd parameters are errors") {
  const PasswordHasher hasher = cheap();
  const std::string good = hasher.hash("pw").value();
  for (const std::string& bad : {
           std::string(""), std::string("plaintext"),
           "$argon2i$" + good.substr(10),  // downgrade to argon2i
           std::string("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA"),  // 4 GiB
           std::string("$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHRzYWx0$aGFzaA"),
           good.substr(0, good.size() - 5) + "!!!!!",  // corrupt hash text
       }) {
    const auto r = hasher.verify("pw", bad);
    REQUIRE_FALSE_MESSAGE(r.ok(), bad);
    CHECK(r.error().code == PasswordErrorCode::malformed_hash);
  }
}

TEST_CASE("passwords longer than the limit are refused, and never verify") {
  const PasswordHasher hasher = cheap();
  const std::string long_pw(PasswordHasher::kMaxPasswordBytes + 1, 'x');
  const auto r = hasher.hash(long_pw);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == PasswordErrorCode::invalid_argument);
  const std::string h = hasher.hash("pw").value();
  CHECK_FALSE(hasher.verify(long_pw, h).value());
  hasher.verify_dummy(long_pw);  // must not crash either
}

TEST_CASE("the default parameters are OWASP's: m=19 MiB, t=2, p=1") {
  const PasswordHasher hasher;
  const std::string h = hasher.hash("pw").value();
  CHECK(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK(hasher.verify("pw", h).value());
}
