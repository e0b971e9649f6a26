// The account and email claim aggregates: signup as decisions, including the
// race of two signups with one email as the event store serialises it.
#include "domain/account.h"

#include <doctest/doctest.h>

#include "aggregate_test_support.h"
#include "domain/fold.h"
#include "domain/proto_values.h"
#include "domain/text_rules.h"
#include "test_support.h"

namespace slotwise::domain {
namespace {

using test::code_of;
using test::types;
using test::utc;

const Instant kNow = utc(2026, 3, 1, 12);
const char* const kHash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

RegisterUser ada() {
  return RegisterUser{"usr_ada", "ada@example.com", "Ada Lovelace", kHash, kNow};
}

std::string register_code(RegisterUser command) {
  return code_of(decide(AccountState{}, AccountCommand{std::move(command)}));
}

TEST_CASE("registering a user records every field, and evolve applies it") {
  auto decided = decide(AccountState{}, AccountCommand{ada()});
  REQUIRE(decided.ok());
  REQUIRE(types(decided.value()) == "UserRegistered");
  const auto& e = std::get<v1::UserRegistered>(decided.value()[0]);
  CHECK(e.user_id() == "usr_ada");
  CHECK(e.email() == "ada@example.com");
  CHECK(e.name() == "Ada Lovelace");
  CHECK(e.password_hash() == kHash);
  CHECK(to_instant(e.registered_at()) == kNow);

  const AccountState state = fold(AccountState{}, decided.value());
  CHECK(state == AccountState{"usr_ada", "ada@example.com", "Ada Lovelace", kHash, kNow});
  // Through the log's encoding the state is the same.
  CHECK(fold(AccountState{}, test::through_log(decided.value())) == state);
}

TEST_CASE("registering an existing account: a retry yields nothing, other data is refused") {
  const AccountState state = fold(AccountState{}, decide(AccountState{}, ada()).value());
  auto retry = decide(state, AccountCommand{ada()});
  REQUIRE(retry.ok());
  CHECK(retry.value().empty());

  RegisterUser other = ada();
  other.email = "lovelace@example.com";
  CHECK(code_of(decide(state, AccountCommand{other})) == "invalid_state");
}

TEST_CASE("registration input is validated") {
  RegisterUser c = ada();
  c.user_id.clear();
  CHECK(register_code(c) == "validation_failed");

  c = ada();
  c.email = "Ada@Example.com";  // not normalised
  CHECK(register_code(c) == "validation_failed");
  c.email = " ada@example.com";
  CHECK(register_code(c) == "validation_failed");
  c.email = "ada.example.com";
  CHECK(register_code(c) == "validation_failed");
  c.email = "ada@localhost";
  CHECK(register_code(c) == "validation_failed");

  c = ada();
  c.name = "   ";
  CHECK(register_code(c) == "validation_failed");
  c.name = std::string(121, 'a');
  CHECK(register_code(c) == "validation_failed");
  c.name = std::string(120, 'a');
  CHECK(register_code(c) == "ok");
  // 120 code points of two bytes each are still 120.
  c.name.clear();
  for (int i = 0; i < 120; ++i) c.name += "\xC3\xA9";  // é
  CHECK(register_code(c) == "ok");
  c.name = "Ada\xC3";  // truncated UTF-8
  CHECK(register_code(c) == "validation_failed");
  c.name = "Ada\nLovelace";
  CHECK(register_code(c) == "validation_failed");

  c = ada();
  c.password_hash = "correct horse battery staple";  // never a plaintext password
  CHECK(register_code(c) == "validation_failed");
  c.password_hash = "$argon2i$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  CHECK(register_code(c) == "validation_failed");
}

TEST_CASE("claiming an email: once, idempotent for the same user, email_taken for another") {
  auto first =
      decide(EmailClaimState{}, EmailClaimCommand{ClaimEmail{"ada@example.com", "usr_ada"}});
  REQUIRE(first.ok());
  REQUIRE(types(first.value()) == "EmailClaimed");
  const auto& e = std::get<v1::EmailClaimed>(first.value()[0]);
  CHECK(e.email() == "ada@example.com");
  CHECK(e.user_id() == "usr_ada");

  const EmailClaimState claimed = fold(EmailClaimState{}, first.value());
  CHECK(claimed == EmailClaimState{"ada@example.com", "usr_ada"});

  auto again = decide(claimed, EmailClaimCommand{ClaimEmail{"ada@example.com", "usr_ada"}});
  REQUIRE(again.ok());
  CHECK(again.value().empty());

  const auto taken = decide(claimed, EmailClaimCommand{ClaimEmail{"ada@example.com", "usr_eve"}});
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == "email_taken");
}

TEST_CASE("two concurrent signups with one email: exactly one claim survives the store") {
  // Both decide against the empty claim (neither has seen the other) ...
  const EmailClaimCommand ada_claim = ClaimEmail{"x@example.com", "usr_ada"};
  const EmailClaimCommand eve_claim = ClaimEmail{"x@example.com", "usr_eve"};
  auto ada_events = decide(EmailClaimState{}, ada_claim);
  auto eve_events = decide(EmailClaimState{}, eve_claim);
  REQUIRE(ada_events.ok());
  REQUIRE(eve_events.ok());
  CHECK(types(ada_events.value()) == "EmailClaimed");
  CHECK(types(eve_events.value()) == "EmailClaimed");

  // ... both append with expected version "no stream"; the store accepts
  // Ada's and reports a conflict to Eve, who reloads and decides again.
  const EmailClaimState after_ada = fold(EmailClaimState{}, ada_events.value());
  CHECK(code_of(decide(after_ada, eve_claim)) == "email_taken");
  // Ada's own retry (e.g. after a lost reply) is a no-op, not an error.
  CHECK(decide(after_ada, ada_claim).value().empty());
  // And the other way round.
  const EmailClaimState after_eve = fold(EmailClaimState{}, eve_events.value());
  CHECK(code_of(decide(after_eve, ada_claim)) == "email_taken");
}

TEST_CASE("an email claim needs a normalised email and a user") {
  CHECK(code_of(decide(EmailClaimState{}, ClaimEmail{"Ada@example.com", "usr_ada"})) ==
        "validation_failed");
  CHECK(code_of(decide(EmailClaimState{}, ClaimEmail{"not-an-email", "usr_ada"})) ==
        "validation_failed");
  CHECK(code_of(decide(EmailClaimState{}, ClaimEmail{"ada@example.com", ""})) ==
        "validation_failed");
  CHECK(normalize_email("  Ada@Example.COM\n") == "ada@example.com");
  // A claim aggregate is keyed by its email: another email is a caller bug.
  const EmailClaimState claimed{"ada@example.com", "usr_ada"};
  CHECK(code_of(decide(claimed, ClaimEmail{"eve@example.com", "usr_ada"})) == "invalid_state");
}

}  // namespace
}  // namespace slotwise::domain
