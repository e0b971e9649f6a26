#include "command-side/auth_commands.h"

#include <string>

#include "auth/tokens.h"
#include "command-side/auth_support.h"
#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "domain/text_rules.h"

namespace slotwise::command {
namespace {

using service::ApiError;

constexpr service::StringRule kEmailRule{3, 254};
constexpr service::StringRule kNameRule{1, 120};

}  // namespace

CommandReply signup(CommandContext& ctx, const CommandRequest& request) {
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = service::JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"email", "password", "name"}); !r) {
    return error_reply(r.error());
  }
  auto email = body->required_string("email", kEmailRule);
  if (!email) return error_reply(email.error());
  auto password = body->required_string("password", kPasswordRule);
  if (!password) return error_reply(password.error());
  auto name = body->required_string("name", kNameRule);
  if (!name) return error_reply(name.error());

  const std::string normalized = domain::normalize_email(*email);
  if (!domain::is_email_shaped(normalized)) {
    return error_reply(ApiError{422, "validation_failed", "email: is not an email address"});
  }
  // Before anything that tells whether the email has an account, and
  // before the Argon2 hash: probing emails or making accounts in bulk is
  // limited per client address.
  if (auto limited = rate_limited(
          ctx.signup_by_address().acquire(request.client_address, auth::RateLimiter::Clock::now()),
          "too many signups; retry later")) {
    return *limited;
  }
  const std::string claim_id = auth::sha256_hex(normalized);
  // Cheap early answer for the common case; the claim below decides races.
  auto existing = ctx.emails().load(claim_id);
  if (!existing) return error_reply(to_api_error(existing.error()));
  if (existing->first.claimed()) {
    return error_reply(ApiError{409, "email_taken", "an account with this email exists"});
  }

  auto hash = ctx.passwords().hash(*password);
  if (!hash) {
    ctx.logger().error("password hash failed", {{"reason", hash.error().message}});
    return error_reply(ApiError{500, "internal", "internal error"});
  }
  auto user_id = auth::new_id(auth::IdKind::user);
  if (!user_id) return error_reply(ApiError{500, "internal", "internal error"});

  const domain::Actor actor{domain::ActorKind::owner, *user_id};
  const domain::RegisterUser reg{*user_id, normalized, *name, *hash, ctx.now()};
  auto registered = ctx.accounts().execute(
      *user_id, [&](const domain::AccountState& s) { return domain::decide(s, reg); },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!registered) return error_reply(to_api_error(registered.error()));

  const domain::ClaimEmail claim{normalized, *user_id};
  auto claimed = ctx.emails().execute(
      claim_id, [&](const domain::EmailClaimState& s) { return domain::decide(s, claim); },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!claimed) return error_reply(to_api_error(claimed.error()));

  // A new account has changed no password yet: generation 0.
  auto token = issue_owner_token(ctx, *user_id, 0);
  if (!token) return error_reply(token.error());
  return json_reply(
      201,
      [&](JsonWriter& w) {
        service::json_member(w, "user_id", *user_id);
        service::json_member(w, "token", *token);
      },
      claimed->version);
}

CommandReply login(CommandContext& ctx, const CommandRequest& request) {
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = service::JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"email", "password"}); !r) {
    return error_reply(r.error());
  }
  auto email = body->required_string("email", {1, 254});
  if (!email) return error_reply(email.error());
  auto password = body->required_string("password", {1, 1024});
  if (!password) return error_reply(password.error());
  const std::string normalized = domain::normalize_email(*email);

  const auto now = auth::RateLimiter::Clock::now();
  for (auto* limiter : {&ctx.login_by_address(), &ctx.login_by_email()}) {
    const std::string& key = limiter == &ctx.login_by_email() ? normalized : request.client_address;
    if (auto limited =
            rate_limited(limiter->acquire(key, now), "too many login attempts; retry later")) {
      return *limited;
    }
  }

  auto claim = ctx.emails().load(auth::sha256_hex(normalized));
  if (!claim) return error_reply(to_api_error(claim.error()));
  if (!claim->first.claimed()) {
    ctx.passwords().verify_dummy(*password);
    return error_reply(invalid_credentials());
  }
  auto account = ctx.accounts().load(claim->first.user_id);
  if (!account) return error_reply(to_api_error(account.error()));
  if (!account->first.exists()) {
    ctx.passwords().verify_dummy(*password);
    return error_reply(invalid_credentials());
  }
  auto ok = ctx.passwords().verify(*password, account->first.password_hash);
  if (!ok || !*ok) return error_reply(invalid_credentials());

  // The generation of the state whose hash the password matched: a change
  // that overtook this login makes the token stale at once.
  auto token = issue_owner_token(ctx, account->first.user_id, account->first.session_generation);
  if (!token) return error_reply(token.error());
  return json_reply(200, [&](JsonWriter& w) {
    service::json_member(w, "token", *token);
    service::json_member(w, "user_id", account->first.user_id);
  });
}

}  // namespace slotwise::command
