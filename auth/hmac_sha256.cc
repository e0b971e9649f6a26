#include "auth/hmac_sha256.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace slotwise::auth {

TokenResult<std::string> hmac_sha256(std::string_view key, std::string_view message) {
  if (key.size() < kHmacKeyMinBytes) return common::fail(TokenError{"key shorter than 32 bytes"});
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
           &mac_len) == nullptr) {
    return common::fail(TokenError{"HMAC-SHA256 failed"});
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), mac_len);
}

}  // namespace slotwise::auth
