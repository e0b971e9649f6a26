// Account commands: signup and login (POST /v1/auth/signup, /v1/auth/login;
// NATS sw.cmd.signup, sw.cmd.login).
//
// Signup registers the account (a fresh usr_ id, Argon2id hash) and then
// claims the email with expected version "no stream", so of concurrent
// signups with one email exactly one succeeds; the others get 409
// email_taken and leave an account no email points to (harmless: login goes
// through the claim). Registering before claiming means a crash in between
// never blocks the email for its rightful owner.
//
// Login answers the same 401 invalid_credentials for an unknown email and a
// wrong password, and spends an Argon2 verification in both cases so timing
// does not tell them apart. Attempts are rate-limited per email and per
// client address (429 rate_limited with Retry-After) before any work.
//
// Thread safety: thread-safe.
// Errors: replies as above, 400 for malformed bodies, 422 for invalid email
// or name, 503 when the log is unavailable.
#pragma once

#include "command-side/command_context.h"
#include "command-side/command_request.h"

namespace slotwise::command {

[[nodiscard]] CommandReply signup(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply login(CommandContext& ctx, const CommandRequest& request);

}  // namespace slotwise::command
