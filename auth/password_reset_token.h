// Password reset tokens, derived and never stored.
//
// A reset request (the account's PasswordResetRequested event) has a
// random request id and an expiry; the token the owner gets by email is
//
//   "<user_id>.<request_id>.<mac>"
//   mac = base64url(HMAC-SHA256(key, "slotwise-password-reset:" + user_id +
//                               ":" + request_id + ":" + expires_at))
//
// with expires_at in decimal Unix seconds and the key the command side
// derives manage tokens with (derived_ids.h; the label keeps the two kinds
// apart). The user id lets the confirm step find the account, the request
// id names the request; the MAC proves the token came from the key's holder
// for exactly that request and expiry. Nothing secret is in the log, so a
// log reader cannot reset passwords, and the notifier, given the key, can
// derive the very token to email from the event alone. Whether the request
// is still the account's latest, unused and unexpired is the account
// aggregate's decision (domain/account.h).
//
// Thread safety: pure functions (new_reset_request_id uses RAND_bytes).
// Errors: TokenError when RAND_bytes or HMAC fails or the key is shorter
// than 32 bytes; nullopt / false for tokens that are not well-formed or do
// not match.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "auth/tokens.h"

namespace slotwise::auth {

inline constexpr std::size_t kResetRequestIdChars = 32;

// What a well-formed token names.
struct PasswordResetRequestRef {
  std::string user_id;
  std::string request_id;
};

// A new request id: 32 random lowercase hex characters.
[[nodiscard]] TokenResult<std::string> new_reset_request_id();

// The token of the request `request_id` of `user_id` expiring at `expires_at`.
[[nodiscard]] TokenResult<std::string> derive_password_reset_token(
    std::string_view key, std::string_view user_id, std::string_view request_id,
    std::chrono::sys_seconds expires_at);

// The user and request `token` names if it has the token's shape (a usr_
// id, a request id, a 43-character MAC); nullopt otherwise.
[[nodiscard]] std::optional<PasswordResetRequestRef> parse_password_reset_token(
    std::string_view token);

// True if `token` is well-formed and its MAC is the one derived under `key`
// for its user, its request and `expires_at` (compared in constant time).
[[nodiscard]] bool password_reset_token_matches(std::string_view key, std::string_view token,
                                                std::chrono::sys_seconds expires_at);

}  // namespace slotwise::auth
