// HMAC-SHA256 (RFC 2104) of a message under a key, for the tokens the
// command side derives instead of storing (manage tokens, password reset
// tokens: derived_ids.h, password_reset_token.h). Every caller puts its own
// label in front of the message, so one key serves them all without one
// kind of token ever being valid as another.
//
// Thread safety: pure function (OpenSSL's one-shot HMAC).
// Errors: TokenError when the key is shorter than 32 bytes (RFC 7518 §3.2:
// at least the hash size) or OpenSSL fails.
#pragma once

#include <string>
#include <string_view>

#include "auth/tokens.h"

namespace slotwise::auth {

inline constexpr std::size_t kHmacKeyMinBytes = 32;

// The 32 raw bytes of HMAC-SHA256(key, message).
[[nodiscard]] TokenResult<std::string> hmac_sha256(std::string_view key, std::string_view message);

}  // namespace slotwise::auth
