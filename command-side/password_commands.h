// Password commands: the logged-in owner's change (POST /v1/auth/password;
// NATS sw.cmd.change_password).
//
// Change: the owner's token and current password, checked with Argon2 like
// a login (a wrong one is login's 401 invalid_credentials), and limited by
// the login limiters keyed by user id and client address, so a stolen token
// gives no more guesses than the login form. Answers a fresh token.
//
// Thread safety: thread-safe.
// Errors: as above; 400 for malformed bodies (and a new password outside
// signup's 8..1024 characters), 429 rate_limited with Retry-After, 503 when
// the log is unavailable.
#pragma once

#include "command-side/command_context.h"
#include "command-side/command_request.h"

namespace slotwise::command {

[[nodiscard]] CommandReply change_password(CommandContext& ctx, const CommandRequest& request);

}  // namespace slotwise::command
