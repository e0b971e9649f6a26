#include "domain/account.h"

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

}  // namespace

common::Result<std::vector<AccountEvent>, DomainError> decide(const AccountState& state,
                                                              const AccountCommand& command) {
  const auto& reg = std::get<RegisterUser>(command);
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

AccountState evolve(AccountState state, const AccountEvent& event) {
  const auto& registered = std::get<v1::UserRegistered>(event);
  if (!state.exists()) {
    state.user_id = registered.user_id();
    state.email = registered.email();
    state.name = registered.name();
    state.password_hash = registered.password_hash();
    state.registered_at = to_instant(registered.registered_at());
  }
  return state;
}

}  // namespace slotwise::domain
