// The one session rule of both APIs: a token's session generation against
// the account's password changes, and the iat rule for tokens without one.
#include "auth/owner_session.h"

#include <doctest/doctest.h>

#include <chrono>

using slotwise::auth::JwtClaims;
using slotwise::auth::session_state;
using slotwise::auth::SessionState;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

const sys_seconds kChange{seconds{1773475200}};

JwtClaims issued(sys_seconds iat, std::optional<std::int64_t> generation) {
  JwtClaims c;
  c.subject = "usr_1";
  c.issued_at = iat;
  c.expires_at = iat + seconds{3600};
  c.session_generation = generation;
  return c;
}

}  // namespace

TEST_CASE("a token naming the account's generation is current, an earlier one ended") {
  CHECK(session_state(issued(kChange, 0), 0, sys_seconds{}) == SessionState::current);
  CHECK(session_state(issued(kChange, 2), 2, kChange) == SessionState::current);
  CHECK(session_state(issued(kChange - seconds{60}, 1), 2, kChange) == SessionState::ended);
  // Issued in the very second of the change, before it: still ended.
  CHECK(session_state(issued(kChange, 1), 2, kChange) == SessionState::ended);
  // Or even after it by the clock (a process whose view was behind).
  CHECK(session_state(issued(kChange + seconds{5}, 1), 2, kChange) == SessionState::ended);
}

TEST_CASE("a token naming a later generation than the caller knows is ahead") {
  CHECK(session_state(issued(kChange, 3), 2, kChange) == SessionState::ahead);
  CHECK(session_state(issued(kChange, 1), 0, sys_seconds{}) == SessionState::ahead);
}

TEST_CASE("a token without a generation follows the iat rule, the change's second included") {
  // Never changed: any claimless token is current.
  CHECK(session_state(issued(kChange, std::nullopt), 0, sys_seconds{}) == SessionState::current);
  CHECK(session_state(issued(kChange - seconds{1}, std::nullopt), 1, kChange) ==
        SessionState::ended);
  CHECK(session_state(issued(kChange, std::nullopt), 1, kChange) == SessionState::ended);
  CHECK(session_state(issued(kChange + seconds{1}, std::nullopt), 1, kChange) ==
        SessionState::current);
}
