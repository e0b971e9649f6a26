#include "domain/account.h"

#include <optional>
#include <string_view>

#include "domain/proto_values.h"
#include "domain/text_rules.h"

namespace slotwise::domain {
namespace {

common::Unexpected<DomainError> invalid(std::string message) {
  return common::fail(make_error(error_code::validation_failed, std::move(message)));
}

bool is_argon2id_phc(std::string_view hash) {
  constexpr std::string_view kPrefix = "$argon2id$";
  return hash.size() > kPrefix.size() && hash.size() <= 512 &&
         hash.substr(0, kPrefix.size()) == kPrefix;
}

using Decided = common::Result<std::vector<AccountEvent>, DomainError>;

Decided decide_one(const AccountState& state, const RegisterUser& reg) {
  if (reg.user_id.empty()) return invalid("user_id: is required");
  if (reg.email != normalize_email(reg.email) || !is_email_shaped(reg.email)) {
    return invalid("email: is not a normalised email address");
  }
  if (auto r = check_text("name", reg.name, 1, 120); !r) return common::fail(r.error());
  if (!is_argon2id_phc(reg.password_hash)) {
    return invalid("password_hash: must be an Argon2id PHC string");
  }
  if (state.exists()) {
    if (state.user_id == reg.user_id && state.email == reg.email) {
      return std::vector<AccountEvent>{};
    }
    return common::fail(make_error(error_code::invalid_state, "the account already exists"));
  }
  v1::UserRegistered registered;
  registered.set_user_id(reg.user_id);
  registered.set_email(reg.email);
  registered.set_name(reg.name);
  registered.set_password_hash(reg.password_hash);
  *registered.mutable_registered_at() = to_timestamp(reg.now);
  return std::vector<AccountEvent>{std::move(registered)};
}

// The checks every password command shares: the account is this one and
// exists, and the new hash is an Argon2id PHC string.
std::optional<DomainError> password_target(const AccountState& state, const std::string& user_id,
                                           std::string_view hash) {
  if (!state.exists() || state.user_id != user_id) {
    return make_error(error_code::not_found, "no such account");
  }
  if (!is_argon2id_phc(hash)) {
    return make_error(error_code::validation_failed,
                      "password_hash: must be an Argon2id PHC string");
  }
  return std::nullopt;
}

v1::PasswordChanged password_changed(const std::string& user_id, const std::string& hash,
                                     Instant now, const std::string& request_id) {
  v1::PasswordChanged changed;
  changed.set_user_id(user_id);
  changed.set_password_hash(hash);
  *changed.mutable_changed_at() = to_timestamp(now);
  changed.set_reset_request_id(request_id);
  return changed;
}

Decided decide_one(const AccountState& state, const ChangePassword& change) {
  if (auto e = password_target(state, change.user_id, change.password_hash)) {
    return common::fail(std::move(*e));
  }
  return std::vector<AccountEvent>{
      password_changed(change.user_id, change.password_hash, change.now, {})};
}

Decided decide_one(const AccountState& state, const RequestPasswordReset& request) {
  if (!state.exists() || state.user_id != request.user_id) {
    return common::fail(make_error(error_code::not_found, "no such account"));
  }
  if (request.request_id.empty()) return invalid("request_id: is required");
  if (request.expires_at <= request.now) return invalid("expires_at: must be after now");
  v1::PasswordResetRequested requested;
  requested.set_user_id(request.user_id);
  requested.set_request_id(request.request_id);
  *requested.mutable_requested_at() = to_timestamp(request.now);
  *requested.mutable_expires_at() = to_timestamp(request.expires_at);
  return std::vector<AccountEvent>{std::move(requested)};
}

Decided decide_one(const AccountState& state, const ResetPassword& reset) {
  if (auto e = password_target(state, reset.user_id, reset.password_hash)) {
    // An account the token names but the log does not hold: the token is
    // what is wrong (only the key's holder could have made it).
    if (e->code == error_code::not_found) {
      return common::fail(make_error(error_code::invalid_token, "the reset link is not valid"));
    }
    return common::fail(std::move(*e));
  }
  // One check for a request that never was, was overtaken by a later
  // request, or was consumed by a change (any PasswordChanged clears it).
  if (reset.request_id.empty() || reset.request_id != state.reset_request_id) {
    return common::fail(make_error(error_code::invalid_token,
                                   "the reset link was used already or a newer one was sent"));
  }
  if (reset.now >= state.reset_expires_at) {
    return common::fail(make_error(error_code::invalid_token, "the reset link has expired"));
  }
  return std::vector<AccountEvent>{
      password_changed(reset.user_id, reset.password_hash, reset.now, reset.request_id)};
}

}  // namespace

common::Result<std::vector<AccountEvent>, DomainError> decide(const AccountState& state,
                                                              const AccountCommand& command) {
  return std::visit([&](const auto& c) -> Decided { return decide_one(state, c); }, command);
}

AccountState evolve(AccountState state, const AccountEvent& event) {
  if (const auto* registered = std::get_if<v1::UserRegistered>(&event)) {
    if (!state.exists()) {
      state.user_id = registered->user_id();
      state.email = registered->email();
      state.name = registered->name();
      state.password_hash = registered->password_hash();
      state.registered_at = to_instant(registered->registered_at());
    }
  } else if (const auto* changed = std::get_if<v1::PasswordChanged>(&event)) {
    state.password_hash = changed->password_hash();
    state.password_changed_at = to_instant(changed->changed_at());
    ++state.session_generation;
    // Whether it consumed the pending request or was made while logged in,
    // no earlier link may set the password again.
    state.reset_request_id.clear();
    state.reset_expires_at = Instant{};
  } else if (const auto* requested = std::get_if<v1::PasswordResetRequested>(&event)) {
    state.reset_request_id = requested->request_id();
    state.reset_expires_at = to_instant(requested->expires_at());
  }
  return state;
}

}  // namespace slotwise::domain
