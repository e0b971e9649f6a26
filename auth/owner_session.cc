#include "auth/owner_session.h"

namespace slotwise::auth {

SessionState session_state(const JwtClaims& claims, std::int64_t password_changes,
                           std::chrono::sys_seconds last_changed_at) {
  if (claims.session_generation) {
    if (*claims.session_generation < password_changes) return SessionState::ended;
    if (*claims.session_generation > password_changes) return SessionState::ahead;
    return SessionState::current;
  }
  if (password_changes > 0 && claims.issued_at <= last_changed_at) return SessionState::ended;
  return SessionState::current;
}

}  // namespace slotwise::auth
