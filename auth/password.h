// PasswordHasher: Argon2id password hashing and verification (libargon2).
//
// Hashes are PHC strings, "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", so
// each stored hash carries its own parameters and salt: parameters can be
// raised later (needs_rehash) without invalidating existing accounts. The
// defaults are OWASP's minimum for Argon2id (m = 19 MiB, t = 2, p = 1); tests
// pass cheaper ones. The 16-byte salt comes from OpenSSL's RAND_bytes.
// Verification recomputes the hash with the stored parameters and compares in
// constant time (libargon2 does this).
//
// Every hash or verification holds `memory_kib` of memory for its duration,
// so concurrent logins cost memory_kib each: bound them (the login rate
// limiter and the HTTP worker pool do).
//
// Unknown accounts: call verify_dummy() so that "no such email" takes as long
// as "wrong password" and the two cannot be told apart by timing.
//
// Thread safety: const methods are safe to call concurrently.
// Errors: PasswordError; a wrong password is NOT an error but verify()'s
// `false`. Only argon2id hashes are accepted by verify() (no downgrade to
// argon2i/argon2d), and stored parameters beyond sane bounds (memory above
// 1 GiB, time above 64) are reported as malformed rather than run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace slotwise::auth {

struct Argon2Params {
  std::uint32_t time_cost = 2;           // t: passes over memory
  std::uint32_t memory_kib = 19 * 1024;  // m: KiB of memory
  std::uint32_t parallelism = 1;         // p: lanes
  std::uint32_t salt_bytes = 16;
  std::uint32_t hash_bytes = 32;
};

enum class PasswordErrorCode {
  invalid_argument,  // a password longer than kMaxPasswordBytes, bad parameters
  random_failure,    // RAND_bytes failed: no salt, no hash
  hash_failure,      // libargon2 reported an error (e.g. out of memory)
  malformed_hash,    // the stored string is not an acceptable argon2id PHC string
};

struct PasswordError {
  PasswordErrorCode code;
  std::string message;
};

template <class T>
using PasswordResult = common::Result<T, PasswordError>;

class PasswordHasher {
 public:
  // Longer passwords are refused: bounds the work per request.
  static constexpr std::size_t kMaxPasswordBytes = 4096;

  explicit PasswordHasher(Argon2Params params = {}) : params_(params) {}

  // A new PHC string for `password`, with a fresh random salt.
  [[nodiscard]] PasswordResult<std::string> hash(std::string_view password) const;

  // True if `password` matches the PHC string `encoded`, false if not.
  [[nodiscard]] PasswordResult<bool> verify(std::string_view password,
                                            const std::string& encoded) const;

  // Spends about the time of one verify() and discards the result.
  void verify_dummy(std::string_view password) const;

  // True if `encoded` was made with other parameters than ours (rehash it at
  // the next successful login).
  [[nodiscard]] bool needs_rehash(std::string_view encoded) const;

  [[nodiscard]] const Argon2Params& params() const { return params_; }

 private:
  Argon2Params params_;
};

}  // namespace slotwise::auth
