#include "command-side/auth_support.h"

#include <chrono>

namespace slotwise::command {

service::ApiResult<std::string> issue_owner_token(CommandContext& ctx, const std::string& user_id,
                                                  std::int64_t session_generation) {
  auto token = ctx.jwt().issue(user_id, ctx.now(), ctx.jwt_ttl(), session_generation);
  if (!token) {
    ctx.logger().error("token issue failed", {{"reason", token.error().message}});
    return common::fail(service::ApiError{500, "internal", "internal error"});
  }
  return std::move(*token);
}

service::ApiError invalid_credentials() {
  return service::ApiError{401, "invalid_credentials", "the email or password is wrong"};
}

CommandReply rate_limited_reply(std::chrono::milliseconds retry_after, const char* message) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(retry_after).count() + 1;
  return error_reply(service::ApiError{429, "rate_limited", message}, static_cast<int>(seconds));
}

std::optional<CommandReply> rate_limited(const auth::RateLimiter::Decision& decision,
                                         const char* message) {
  if (decision.allowed) return std::nullopt;
  return rate_limited_reply(decision.retry_after, message);
}

}  // namespace slotwise::command
