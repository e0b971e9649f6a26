// The account aggregate's password commands: a change by the logged-in
// owner, a reset request, and a reset through the link, which is honoured
// only for the latest request, before its expiry, and once. (The link's MAC
// is checked before deciding: tests/auth/password_reset_token_test.cc.)
#include <doctest/doctest.h>

#include "aggregate_test_support.h"
#include "domain/account.h"
#include "domain/fold.h"
#include "domain/proto_values.h"
#include "test_support.h"

namespace slotwise::domain {
namespace {

using test::code_of;
using test::types;
using test::utc;

const Instant kNow = utc(2026, 3, 1, 12);
const char* const kHash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
const char* const kNewHash = "$argon2id$v=19$m=65536,t=3,p=1$bmV3c2FsdA$bmV3aGFzaGhhc2g";

AccountState ada() {
  return fold(AccountState{}, decide(AccountState{}, RegisterUser{"usr_ada", "ada@example.com",
                                                                  "Ada Lovelace", kHash, kNow})
                                  .value());
}

// Ada's account after a reset request `id` made at `at`, valid for an hour.
AccountState requested(AccountState state, const std::string& id, Instant at) {
  auto decided = decide(state, RequestPasswordReset{"usr_ada", id, at, at + std::chrono::hours(1)});
  REQUIRE(decided.ok());
  return fold(std::move(state), decided.value());
}

ResetPassword reset(const std::string& id, Instant at) {
  return ResetPassword{"usr_ada", id, kNewHash, at};
}

TEST_CASE("a logged-in change records the new hash and time, and evolve applies it") {
  const Instant later = kNow + std::chrono::hours(2);
  auto decided = decide(ada(), ChangePassword{"usr_ada", kNewHash, later});
  REQUIRE(decided.ok());
  REQUIRE(types(decided.value()) == "PasswordChanged");
  const auto& e = std::get<v1::PasswordChanged>(decided.value()[0]);
  CHECK(e.user_id() == "usr_ada");
  CHECK(e.password_hash() == kNewHash);
  CHECK(to_instant(e.changed_at()) == later);
  CHECK(e.reset_request_id().empty());

  const AccountState state = fold(ada(), decided.value());
  CHECK(state.password_hash == kNewHash);
  CHECK(state.password_changed_at == later);
  CHECK(state.email == "ada@example.com");  // the rest is untouched
  CHECK(fold(ada(), test::through_log(decided.value())) == state);
}

TEST_CASE("every password change, logged in or by reset, moves the session generation on") {
  AccountState state = ada();
  CHECK(state.session_generation == 0);
  // Two changes within one second: the generation still tells them apart.
  auto first = decide(state, ChangePassword{"usr_ada", kNewHash, kNow});
  REQUIRE(first.ok());
  state = fold(std::move(state), first.value());
  CHECK(state.session_generation == 1);
  auto second = decide(state, ChangePassword{"usr_ada", kHash, kNow});
  REQUIRE(second.ok());
  state = fold(std::move(state), second.value());
  CHECK(state.session_generation == 2);
  state = requested(std::move(state), "req-1", kNow);
  CHECK(state.session_generation == 2);  // a request alone changes no password
  auto by_reset = decide(state, reset("req-1", kNow + std::chrono::minutes(1)));
  REQUIRE(by_reset.ok());
  state = fold(std::move(state), by_reset.value());
  CHECK(state.session_generation == 3);
}

TEST_CASE("a change needs the account and an Argon2id hash, never a plaintext password") {
  CHECK(code_of(decide(AccountState{}, ChangePassword{"usr_ada", kNewHash, kNow})) == "not_found");
  CHECK(code_of(decide(ada(), ChangePassword{"usr_eve", kNewHash, kNow})) == "not_found");
  CHECK(code_of(decide(ada(), ChangePassword{"usr_ada", "new password", kNow})) ==
        "validation_failed");
  CHECK(code_of(decide(ada(), ChangePassword{"usr_ada", "$argon2i$v=19$m=65536,t=3,p=1$c2FsdA$aA",
                                             kNow})) == "validation_failed");
}

TEST_CASE("a reset request is recorded with its expiry and becomes the pending one") {
  const Instant expires = kNow + std::chrono::hours(1);
  auto decided = decide(ada(), RequestPasswordReset{"usr_ada", "r1", kNow, expires});
  REQUIRE(decided.ok());
  REQUIRE(types(decided.value()) == "PasswordResetRequested");
  const auto& e = std::get<v1::PasswordResetRequested>(decided.value()[0]);
  CHECK(e.user_id() == "usr_ada");
  CHECK(e.request_id() == "r1");
  CHECK(to_instant(e.requested_at()) == kNow);
  CHECK(to_instant(e.expires_at()) == expires);

  const AccountState state = fold(ada(), test::through_log(decided.value()));
  CHECK(state.reset_request_id == "r1");
  CHECK(state.reset_expires_at == expires);
  CHECK(state.password_hash == kHash);  // a request changes no password

  CHECK(code_of(decide(AccountState{}, RequestPasswordReset{"usr_ada", "r1", kNow, expires})) ==
        "not_found");
  CHECK(code_of(decide(ada(), RequestPasswordReset{"usr_ada", "", kNow, expires})) ==
        "validation_failed");
  CHECK(code_of(decide(ada(), RequestPasswordReset{"usr_ada", "r1", kNow, kNow})) ==
        "validation_failed");
}

TEST_CASE("a reset through the pending request sets the password and consumes the request") {
  const AccountState pending = requested(ada(), "r1", kNow);
  const Instant at = kNow + std::chrono::minutes(10);
  auto decided = decide(pending, reset("r1", at));
  REQUIRE(decided.ok());
  REQUIRE(types(decided.value()) == "PasswordChanged");
  const auto& e = std::get<v1::PasswordChanged>(decided.value()[0]);
  CHECK(e.password_hash() == kNewHash);
  CHECK(e.reset_request_id() == "r1");
  CHECK(to_instant(e.changed_at()) == at);

  const AccountState after = fold(pending, test::through_log(decided.value()));
  CHECK(after.password_hash == kNewHash);
  CHECK(after.password_changed_at == at);
  CHECK(after.reset_request_id.empty());
  // Single use: the same link again is refused.
  CHECK(code_of(decide(after, reset("r1", at + std::chrono::minutes(1)))) == "invalid_token");
}

TEST_CASE("a reset is refused for an expired, stale or never-made request") {
  const AccountState pending = requested(ada(), "r1", kNow);
  // Expired: at the expiry itself and after.
  CHECK(code_of(decide(pending, reset("r1", kNow + std::chrono::hours(1)))) == "invalid_token");
  CHECK(code_of(decide(pending, reset("r1", kNow + std::chrono::hours(3)))) == "invalid_token");
  CHECK(code_of(decide(pending, reset("r1", kNow + std::chrono::minutes(59)))) == "ok");
  // Stale: a newer request replaced it; the newer one works.
  const AccountState newer = requested(pending, "r2", kNow + std::chrono::minutes(5));
  CHECK(code_of(decide(newer, reset("r1", kNow + std::chrono::minutes(6)))) == "invalid_token");
  CHECK(code_of(decide(newer, reset("r2", kNow + std::chrono::minutes(6)))) == "ok");
  // No request at all, or an empty id.
  CHECK(code_of(decide(ada(), reset("r1", kNow))) == "invalid_token");
  CHECK(code_of(decide(ada(), reset("", kNow))) == "invalid_token");
  // An account the log does not hold.
  CHECK(code_of(decide(AccountState{}, reset("r1", kNow))) == "invalid_token");
  // The hash rule holds here too.
  ResetPassword plain = reset("r1", kNow);
  plain.password_hash = "new password";
  CHECK(code_of(decide(pending, plain)) == "validation_failed");
}

TEST_CASE("a logged-in change overtakes a pending reset link") {
  const AccountState pending = requested(ada(), "r1", kNow);
  const AccountState changed =
      fold(pending, decide(pending, ChangePassword{"usr_ada", kNewHash, kNow}).value());
  CHECK(changed.reset_request_id.empty());
  CHECK(code_of(decide(changed, reset("r1", kNow + std::chrono::minutes(1)))) == "invalid_token");
}

}  // namespace
}  // namespace slotwise::domain
