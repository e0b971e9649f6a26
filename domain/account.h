// The account aggregate (subject sw.evt.account.<usr_id>): a user's profile,
// password hash and pending password reset. Its email is unique because
// signup first claims it in the email claim aggregate (email_claim.h,
// included here for that reason).
//
// Sessions: an owner token names the account's session generation when it
// was issued (JWT claim "sgn", auth/jwt.h); every PasswordChanged moves the
// generation on by one, so tokens issued before it stop matching whatever
// second they were issued in. The generation is the number of
// PasswordChanged events of the account: derived, never stored in an event.
//
// Passwords change in two ways, both recorded as PasswordChanged:
//  - ChangePassword: the logged-in owner, whose current password the
//    command side has checked (Argon2 is I/O-bound work kept at the edge);
//  - ResetPassword: through a reset link. RequestPasswordReset records a
//    request (id, expiry); the link's token is an HMAC of it that the
//    command side checks before deciding (auth/password_reset_token.h).
//    Only the account's latest request is honoured, before its expiry, and
//    once: any PasswordChanged ends the pending request, so a second use of
//    a link, or a link older than a later change, is refused.
//
// Thread safety: plain values and pure functions.
// Errors: decide() returns validation_failed for a missing id, an email that
// is not normalised or not email-shaped, a name outside 1..120 code points or
// a password hash that is not an Argon2id PHC string (so a plaintext password
// can never reach the log); invalid_state when the account already exists
// with another email. Registering the same user with the same email again
// yields no events (a retried signup). Password commands on an account that
// does not exist are not_found; a reset whose request is not the pending
// one (stale, already used, never made) or has expired is invalid_token.
#pragma once

#include <cstdint>
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
  // The last PasswordChanged (epoch when never changed): owner tokens
  // without a session generation (issued before tokens carried one) issued
  // at or before it no longer authorise commands.
  Instant password_changed_at{};
  // How many PasswordChanged the account has: the generation a token
  // issued now carries ("sgn"); a token naming an earlier one is refused.
  std::int64_t session_generation = 0;
  // The pending reset request: empty when none, or once a password change
  // consumed or overtook it.
  std::string reset_request_id{};
  Instant reset_expires_at{};

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

// The owner, logged in, sets a new password (the current one was checked).
struct ChangePassword {
  std::string user_id;
  std::string password_hash;  // Argon2id PHC string
  Instant now{};
};

// A reset link is asked for; `expires_at` after `now`.
struct RequestPasswordReset {
  std::string user_id;
  std::string request_id;
  Instant now{};
  Instant expires_at{};
};

// A reset link was followed; its token's MAC was checked by the caller.
struct ResetPassword {
  std::string user_id;
  std::string request_id;
  std::string password_hash;  // Argon2id PHC string
  Instant now{};
};

using AccountCommand =
    std::variant<RegisterUser, ChangePassword, RequestPasswordReset, ResetPassword>;
using AccountEvent =
    std::variant<slotwise::events::v1::UserRegistered, slotwise::events::v1::PasswordChanged,
                 slotwise::events::v1::PasswordResetRequested>;

[[nodiscard]] common::Result<std::vector<AccountEvent>, DomainError> decide(
    const AccountState& state, const AccountCommand& command);

[[nodiscard]] AccountState evolve(AccountState state, const AccountEvent& event);

}  // namespace slotwise::domain
