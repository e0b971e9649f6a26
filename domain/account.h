// The account aggregate (subject sw.evt.account.<usr_id>): a user's profile
// and password hash. Its email is unique because signup first claims it in
// the email claim aggregate (email_claim.h, included here for that reason).
//
// Thread safety: plain values and pure functions.
// Errors: decide() returns validation_failed for a missing id, an email that
// is not normalised or not email-shaped, a name outside 1..120 code points or
// a password hash that is not an Argon2id PHC string (so a plaintext password
// can never reach the log); invalid_state when the account already exists
// with another email. Registering the same user with the same email again
// yields no events (a retried signup).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "domain/domain_error.h"
#include "domain/email_claim.h"
#include "domain/instant.h"
#include "slotwise/events/v1/account.pb.h"

namespace slotwise::domain {

struct AccountState {
  // Empty until registered.
  std::string user_id;
  std::string email;
  std::string name;
  std::string password_hash;
  Instant registered_at{};

  [[nodiscard]] bool exists() const { return !user_id.empty(); }
  friend bool operator==(const AccountState&, const AccountState&) = default;
};

struct RegisterUser {
  std::string user_id;
  // Normalised (normalize_email).
  std::string email;
  std::string name;
  // "$argon2id$v=19$m=…,t=…,p=…$salt$hash".
  std::string password_hash;
  Instant now{};
};

using AccountCommand = std::variant<RegisterUser>;
using AccountEvent = std::variant<slotwise::events::v1::UserRegistered>;

[[nodiscard]] common::Result<std::vector<AccountEvent>, DomainError> decide(
    const AccountState& state, const AccountCommand& command);

[[nodiscard]] AccountState evolve(AccountState state, const AccountEvent& event);

}  // namespace slotwise::domain
