#include "command-side/password_commands.h"

#include <functional>
#include <optional>
#include <string>

#include "command-side/auth_support.h"
#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"

namespace slotwise::command {
namespace {

using service::ApiError;

// Any string a client may send as the current password (login's rule).
constexpr service::StringRule kCurrentPasswordRule{1, 1024};
// Takes one token from each of the login limiters, keyed by the user (not
// the email: the caller may not know it) and the client address.
std::optional<CommandReply> limit_like_login(CommandContext& ctx, const CommandRequest& request,
                                             const std::string& user_id, const char* message) {
  const auto now = auth::RateLimiter::Clock::now();
  if (auto limited =
          rate_limited(ctx.login_by_address().acquire(request.client_address, now), message)) {
    return limited;
  }
  return rate_limited(ctx.login_by_email().acquire(user_id, now), message);
}

// Hashes `password` and appends the account's PasswordChanged decided by
// `command`; answers 200 with a fresh token.
CommandReply set_password(CommandContext& ctx, const CommandRequest& request,
                          const std::string& user_id, const std::string& password,
                          const std::function<domain::AccountCommand(std::string)>& command) {
  auto hash = ctx.passwords().hash(password);
  if (!hash) {
    ctx.logger().error("password hash failed", {{"reason", hash.error().message}});
    return error_reply(ApiError{500, "internal", "internal error"});
  }
  const domain::AccountCommand decided_on = command(std::move(*hash));
  const domain::Actor actor{domain::ActorKind::owner, user_id};
  auto changed = ctx.accounts().execute(
      user_id, [&](const domain::AccountState& s) { return domain::decide(s, decided_on); },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!changed) return error_reply(to_api_error(changed.error()));
  auto token = issue_owner_token(ctx, user_id);
  if (!token) return error_reply(token.error());
  return json_reply(
      200,
      [&](JsonWriter& w) {
        service::json_member(w, "token", *token);
        service::json_member(w, "user_id", user_id);
      },
      changed->version);
}

}  // namespace

CommandReply change_password(CommandContext& ctx, const CommandRequest& request) {
  auto user_id = authenticate(ctx, request);
  if (!user_id) return error_reply(user_id.error());
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = service::JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"current_password", "new_password"}); !r) {
    return error_reply(r.error());
  }
  auto current = body->required_string("current_password", kCurrentPasswordRule);
  if (!current) return error_reply(current.error());
  auto next = body->required_string("new_password", kPasswordRule);
  if (!next) return error_reply(next.error());
  if (auto limited =
          limit_like_login(ctx, request, *user_id, "too many password attempts; retry later")) {
    return *limited;
  }

  auto account = ctx.accounts().load(*user_id);
  if (!account) return error_reply(to_api_error(account.error()));
  if (!account->first.exists()) {
    ctx.passwords().verify_dummy(*current);
    return error_reply(invalid_credentials());
  }
  auto ok = ctx.passwords().verify(*current, account->first.password_hash);
  if (!ok || !*ok) return error_reply(invalid_credentials());
  return set_password(ctx, request, *user_id, *next, [&](std::string hash) {
    return domain::AccountCommand{domain::ChangePassword{*user_id, std::move(hash), ctx.now()}};
  });
}

}  // namespace slotwise::command
