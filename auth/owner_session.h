// Owner sessions: whether an owner token still belongs to the account's
// current session, given what the caller knows of the account. One rule for
// the command side (the account aggregate) and the query API (the accounts
// read model), so both refuse the same tokens (docs/adr/0007).
//
//  - A token naming a session generation (JWT "sgn", jwt.h) is current when
//    it names the account's generation (the number of its password changes,
//    domain/account.h). One naming an earlier generation was issued before a
//    password change: ended, whatever second it was issued in. One naming a
//    later generation is genuine (only our key signs) but the caller's view
//    of the account is behind: `ahead`, which the caller resolves by reading
//    further (command side) or accepts (query API: its read models lag the
//    log by the projection lag; a password change it has not applied yet
//    ends no session it can see).
//  - A token without a generation was issued before tokens carried one: it
//    is ended when the account's password changed at or after its iat
//    (whole seconds: the same second counts as after, so an old token of
//    that second is refused; a claimless token is never fresh from this
//    build, so no current one is lost).
//
// Thread safety: pure function.
// Errors: none.
#pragma once

#include <chrono>
#include <cstdint>

#include "auth/jwt.h"

namespace slotwise::auth {

enum class SessionState { current, ended, ahead };

// `password_changes` of the account (0: never changed) and the time of its
// last password change (ignored when there was none).
[[nodiscard]] SessionState session_state(const JwtClaims& claims, std::int64_t password_changes,
                                         std::chrono::sys_seconds last_changed_at);

}  // namespace slotwise::auth
