// Password commands: the logged-in owner's change (POST /v1/auth/password;
// NATS sw.cmd.change_password) and the forgotten-password reset
// (POST /v1/auth/password-reset, sw.cmd.request_password_reset, and
// POST /v1/auth/password-reset/confirm, sw.cmd.confirm_password_reset).
//
// Change: the owner's token and current password, checked with Argon2 like
// a login (a wrong one is login's 401 invalid_credentials), and limited by
// the login limiters keyed by user id and client address, so a stolen token
// gives no more guesses than the login form. Answers a fresh token.
//
// Reset request: always 202 {} whether or not the email has an account, so
// the endpoint tells nobody which emails are registered; the unknown email
// still spends a read of the log where the known one reads its account.
// Limited per email and per client address before any lookup (the email is
// sent by the notifier, so unlimited requests would flood an inbox). For an
// account it appends PasswordResetRequested (a random request id, expiry
// password_reset_ttl ahead); the link's token is derived from it
// (auth/password_reset_token.h), stored nowhere.
//
// Reset confirm: the token's MAC is checked against the account's pending
// request before any Argon2 work; then the account aggregate decides
// (latest request, unexpired, unused) and appends PasswordChanged. Every
// refusal of the token is 422 invalid_token. Answers a fresh token.
//
// After any change, tokens issued before it no longer authorise owner
// commands (handler_support.h authenticate()).
//
// Thread safety: thread-safe.
// Errors: as above; 400 for malformed bodies, 422 validation_failed for a
// non-email, 429 rate_limited with Retry-After, 503 when the log is
// unavailable.
#pragma once

#include "command-side/command_context.h"
#include "command-side/command_request.h"

namespace slotwise::command {

[[nodiscard]] CommandReply change_password(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply request_password_reset(CommandContext& ctx,
                                                  const CommandRequest& request);
[[nodiscard]] CommandReply confirm_password_reset(CommandContext& ctx,
                                                  const CommandRequest& request);

}  // namespace slotwise::command
