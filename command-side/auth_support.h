// What the account handlers share (auth_commands.cc: signup and login;
// password_commands.cc: password change and reset): the owner token they
// answer with, the one answer for bad credentials, the password rule and
// the 429 of a rate limiter's refusal.
//
// Thread safety: pure functions over the (thread-safe) context.
// Errors: ApiError values as documented per function.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "auth/rate_limiter.h"
#include "command-side/command_context.h"
#include "command-side/command_request.h"
#include "service/json_body.h"

namespace slotwise::command {

// A new password: 8..1024 characters (signup, change, reset alike).
inline constexpr service::StringRule kPasswordRule{8, 1024};

// A fresh owner token for `user_id` (iat = now) naming the account's
// current session generation (sgn: domain/account.h; authenticate() refuses
// it once the password changes again), or 500 internal.
[[nodiscard]] service::ApiResult<std::string> issue_owner_token(CommandContext& ctx,
                                                                const std::string& user_id,
                                                                std::int64_t session_generation);

// 401 invalid_credentials: the same answer for an unknown email and a wrong
// password, and for a wrong current password.
[[nodiscard]] service::ApiError invalid_credentials();

// 429 rate_limited with Retry-After: the whole seconds until retry_after
// has passed (at least 1). `message` says what was limited.
[[nodiscard]] CommandReply rate_limited_reply(std::chrono::milliseconds retry_after,
                                              const char* message);

// rate_limited_reply when `decision` refuses; nullopt when it allows.
[[nodiscard]] std::optional<CommandReply> rate_limited(const auth::RateLimiter::Decision& decision,
                                                       const char* message);

}  // namespace slotwise::command
