#include "command-side/password_commands.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "auth/derived_ids.h"
#include "auth/password_reset_token.h"
#include "auth/tokens.h"
#include "command-side/auth_support.h"
#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "domain/text_rules.h"

namespace slotwise::command {
namespace {

using service::ApiError;

// Any string a client may send as the current password (login's rule).
constexpr service::StringRule kCurrentPasswordRule{1, 1024};
// Longer than any token we make (27 + 1 + 32 + 1 + 43), shorter than abuse.
constexpr service::StringRule kTokenRule{1, 256};

ApiError invalid_token() { return ApiError{422, "invalid_token", "the reset link is not valid"}; }

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
  // The generation the change starts: one past the state decided on last,
  // which is the state the commit was appended to.
  std::int64_t generation = 0;
  auto changed = ctx.accounts().execute(
      user_id,
      [&](const domain::AccountState& s) {
        generation = s.session_generation + 1;
        return domain::decide(s, decided_on);
      },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!changed) return error_reply(to_api_error(changed.error()));
  auto token = issue_owner_token(ctx, user_id, generation);
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

CommandReply request_password_reset(CommandContext& ctx, const CommandRequest& request) {
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = service::JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"email"}); !r) return error_reply(r.error());
  auto email = body->required_string("email", {1, 254});
  if (!email) return error_reply(email.error());
  const std::string normalized = domain::normalize_email(*email);
  if (!domain::is_email_shaped(normalized)) {
    return error_reply(ApiError{422, "validation_failed", "email: is not an email address"});
  }
  // Before anything that depends on whether the email has an account.
  const auto now = auth::RateLimiter::Clock::now();
  for (auto* limiter : {&ctx.reset_by_address(), &ctx.reset_by_email()}) {
    const std::string& key = limiter == &ctx.reset_by_email() ? normalized : request.client_address;
    if (auto limited =
            rate_limited(limiter->acquire(key, now), "too many reset requests; retry later")) {
      return *limited;
    }
  }
  const auto accepted = [] { return json_reply(202, [](JsonWriter&) {}); };

  auto claim = ctx.emails().load(auth::sha256_hex(normalized));
  if (!claim) return error_reply(to_api_error(claim.error()));
  if (!claim->first.claimed()) {
    // The known email reads its account next: spend a read of the log too,
    // of an account id no one has, so both answers take a similar time.
    const std::string nobody = auth::derived_id(auth::IdKind::user, "no-account:" + normalized);
    auto read = ctx.store().read({kAccountCategory, nobody}, 0);
    if (!read) return error_reply(to_api_error(read.error()));
    return accepted();
  }
  const std::string& user_id = claim->first.user_id;
  auto account = ctx.accounts().load(user_id);
  if (!account) return error_reply(to_api_error(account.error()));
  if (!account->first.exists()) return accepted();  // a signup that never finished

  auto request_id = auth::new_reset_request_id();
  if (!request_id) return error_reply(ApiError{500, "internal", "internal error"});
  const domain::RequestPasswordReset reset{user_id, *request_id, ctx.now(),
                                           ctx.now() + ctx.password_reset_ttl()};
  const domain::Actor actor{domain::ActorKind::owner, user_id};
  auto requested = ctx.accounts().execute(
      user_id, [&](const domain::AccountState& s) { return domain::decide(s, reset); },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!requested) return error_reply(to_api_error(requested.error()));
  return accepted();
}

CommandReply confirm_password_reset(CommandContext& ctx, const CommandRequest& request) {
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = service::JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"token", "password"}); !r) {
    return error_reply(r.error());
  }
  auto token = body->required_string("token", kTokenRule);
  if (!token) return error_reply(token.error());
  auto password = body->required_string("password", kPasswordRule);
  if (!password) return error_reply(password.error());
  const auto ref = auth::parse_password_reset_token(*token);
  if (!ref) return error_reply(invalid_token());
  if (auto limited =
          limit_like_login(ctx, request, ref->user_id, "too many password attempts; retry later")) {
    return *limited;
  }

  auto account = ctx.accounts().load(ref->user_id);
  if (!account) return error_reply(to_api_error(account.error()));
  const domain::AccountState& state = account->first;
  // The MAC covers the pending request's expiry, so only the pending
  // request's token can match; checked before the Argon2 work.
  if (!state.exists() || state.reset_request_id != ref->request_id ||
      !auth::password_reset_token_matches(ctx.manage_key(), *token, state.reset_expires_at)) {
    return error_reply(invalid_token());
  }
  // The aggregate decides again on the log's state: expiry, and a request
  // consumed or replaced in the meantime.
  return set_password(ctx, request, ref->user_id, *password, [&](std::string hash) {
    return domain::AccountCommand{
        domain::ResetPassword{ref->user_id, ref->request_id, std::move(hash), ctx.now()}};
  });
}

}  // namespace slotwise::command
