#include "auth/password.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <charconv>
#include <utility>
#include <vector>

namespace slotwise::auth {
namespace {

using common::fail;

constexpr std::uint32_t kMaxMemoryKib = 1024 * 1024;  // 1 GiB
constexpr std::uint32_t kMaxTimeCost = 64;
constexpr std::uint32_t kMaxParallelism = 64;

common::Unexpected<PasswordError> error(PasswordErrorCode code, std::string message) {
  return fail(PasswordError{code, std::move(message)});
}

// "m=19456,t=2,p=1" of our parameters, as libargon2 writes them.
std::string params_text(const Argon2Params& p) {
  return "m=" + std::to_string(p.memory_kib) + ",t=" + std::to_string(p.time_cost) +
         ",p=" + std::to_string(p.parallelism);
}

// Reads "<key>=<number>" at the front of `text` and consumes it.
bool read_param(std::string_view& text, char key, std::uint32_t& out) {
  if (text.size() < 3 || text[0] != key || text[1] != '=') return false;
  const char* begin = text.data() + 2;
  const char* end = text.data() + text.size();
  const auto res = std::from_chars(begin, end, out);
  if (res.ec != std::errc() || res.ptr == begin) return false;
  text.remove_prefix(static_cast<std::size_t>(res.ptr - text.data()));
  return true;
}

// Checks the PHC prefix "$argon2id$v=19$m=..,t=..,p=..$" before libargon2
// sees the string: only argon2id, and only parameters we are willing to run.
bool acceptable_phc(std::string_view encoded) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = encoded.substr(kPrefix.size());
  std::uint32_t m = 0;
  std::uint32_t t = 0;
  std::uint32_t p = 0;
  if (!read_param(rest, 'm', m) || rest.empty() || rest[0] != ',') return false;
  rest.remove_prefix(1);
  if (!read_param(rest, 't', t) || rest.empty() || rest[0] != ',') return false;
  rest.remove_prefix(1);
  if (!read_param(rest, 'p', p) || rest.empty() || rest[0] != '$') return false;
  return m <= kMaxMemoryKib && t >= 1 && t <= kMaxTimeCost && p >= 1 && p <= kMaxParallelism;
}

}  // namespace

PasswordResult<std::string> PasswordHasher::hash(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) {
    return error(PasswordErrorCode::invalid_argument, "password is too long");
  }
  if (params_.salt_bytes < ARGON2_MIN_SALT_LENGTH || params_.hash_bytes < ARGON2_MIN_OUTLEN ||
      params_.memory_kib > kMaxMemoryKib || params_.time_cost > kMaxTimeCost ||
      params_.parallelism > kMaxParallelism) {
    return error(PasswordErrorCode::invalid_argument, "argon2 parameters out of range");
  }
  std::vector<unsigned char> salt(params_.salt_bytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return error(PasswordErrorCode::random_failure, "RAND_bytes failed");
  }
  const std::size_t length =
      argon2_encodedlen(params_.time_cost, params_.memory_kib, params_.parallelism,
                        params_.salt_bytes, params_.hash_bytes, Argon2_id);
  std::string encoded(length, '\0');
  const int rc = argon2id_hash_encoded(params_.time_cost, params_.memory_kib, params_.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       params_.hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return error(PasswordErrorCode::hash_failure,
                 std::string("argon2id: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminator
  return encoded;
}

// A member, not static: the stored string carries its own parameters today, but a
// pepper would live here without an API change.
// NOLINTNEXTLINE(readability-convert-member-functions-to-static): see above.
PasswordResult<bool> PasswordHasher::verify(std::string_view password,
                                            const std::string& encoded) const {
  if (password.size() > kMaxPasswordBytes) return false;  // could never have been hashed
  if (!acceptable_phc(encoded)) {
    return error(PasswordErrorCode::malformed_hash, "not an acceptable argon2id PHC string");
  }
  const int rc = argon2id_verify(encoded.c_str(), password.data(), password.size());
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
    return error(PasswordErrorCode::hash_failure, argon2_error_message(rc));
  }
  return error(PasswordErrorCode::malformed_hash,
               std::string("argon2id: ") + argon2_error_message(rc));
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // Hashing with our parameters costs what verifying one of our hashes costs.
  (void)hash(password.substr(0, kMaxPasswordBytes));
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  const std::string expected = "$argon2id$v=19$" + params_text(params_) + "$";
  return encoded.substr(0, expected.size()) != expected;
}

}  // namespace slotwise::auth
