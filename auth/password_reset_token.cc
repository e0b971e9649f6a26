#include "auth/password_reset_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "auth/base64url.h"
#include "auth/hmac_sha256.h"

namespace slotwise::auth {
namespace {

constexpr std::string_view kLabel = "slotwise-password-reset:";
// base64url of the 32-byte MAC, without padding.
constexpr std::size_t kMacChars = 43;

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

TokenResult<std::string> mac_of(std::string_view key, std::string_view user_id,
                                std::string_view request_id, std::chrono::sys_seconds expires_at) {
  std::string message(kLabel);
  message.append(user_id);
  message += ':';
  message.append(request_id);
  message += ':';
  message += std::to_string(expires_at.time_since_epoch().count());
  auto mac = hmac_sha256(key, message);
  if (!mac) return common::fail(mac.error());
  return base64url_encode(*mac);
}

}  // namespace

TokenResult<std::string> new_reset_request_id() {
  std::array<unsigned char, kResetRequestIdChars / 2> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return common::fail(TokenError{"RAND_bytes failed"});
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string id;
  id.reserve(kResetRequestIdChars);
  for (const unsigned char b : random) {
    id += kHex[b >> 4U];
    id += kHex[b & 0xFU];
  }
  return id;
}

TokenResult<std::string> derive_password_reset_token(std::string_view key, std::string_view user_id,
                                                     std::string_view request_id,
                                                     std::chrono::sys_seconds expires_at) {
  auto mac = mac_of(key, user_id, request_id, expires_at);
  if (!mac) return common::fail(mac.error());
  std::string token(user_id);
  token += '.';
  token.append(request_id);
  token += '.';
  token += *mac;
  return token;
}

std::optional<PasswordResetRequestRef> parse_password_reset_token(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view user_id = token.substr(0, first);
  const std::string_view request_id = token.substr(first + 1, second - first - 1);
  const std::string_view mac = token.substr(second + 1);
  if (!is_valid_id(user_id, IdKind::user) || request_id.size() != kResetRequestIdChars ||
      !std::ranges::all_of(request_id, is_lower_hex) || mac.size() != kMacChars ||
      !base64url_decode(mac)) {
    return std::nullopt;
  }
  return PasswordResetRequestRef{std::string(user_id), std::string(request_id)};
}

bool password_reset_token_matches(std::string_view key, std::string_view token,
                                  std::chrono::sys_seconds expires_at) {
  const auto ref = parse_password_reset_token(token);
  if (!ref) return false;
  auto expected = mac_of(key, ref->user_id, ref->request_id, expires_at);
  if (!expected) return false;
  const std::string_view presented = token.substr(token.size() - kMacChars);
  return expected->size() == presented.size() &&
         CRYPTO_memcmp(expected->data(), presented.data(), presented.size()) == 0;
}

}  // namespace slotwise::auth
