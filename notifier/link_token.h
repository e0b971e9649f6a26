// Link tokens at rest: the bearer token in a link (the manage token of
// {base}/manage/{booking}#token=..., the password reset token of
// {base}/reset-password#token=...) is never written to PostgreSQL
// (ADR 0009, "No bearer secrets at rest"). The planner stores the message
// with a placeholder in the token's place, "#token=" followed by as many '*'
// as the token has characters, and in `notifications.link_token` what
// derives the token (a token ref, below; nothing secret); the sender derives
// the token under the same key when it sends and puts it back. The stand-in
// has the token's length, so the .ics folds and the base64 lines fall where
// they would with the token: the email sent is byte for byte the one
// rendered with the token.
//
// Token refs ("" = the message carries no token):
//   manage:<booking_id>                                    derive_manage_token
//   password_reset:<user_id>:<request_id>:<expires_at>     derive_password_reset_token
// (expires_at in decimal Unix seconds; the ids hold no ':').
//
// Thread safety: pure functions.
// Errors: derive_link_token and with_link_token return a message saying
// why the token cannot be put in (the sender fails the message with it).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "domain/instant.h"

namespace slotwise::notifier {

[[nodiscard]] std::string manage_token_ref(std::string_view booking_id);
[[nodiscard]] std::string password_reset_token_ref(std::string_view user_id,
                                                   std::string_view request_id,
                                                   domain::Instant expires_at);

// The token `ref` names, derived under `key` (the manage_key_file's bytes).
[[nodiscard]] common::Result<std::string, std::string> derive_link_token(std::string_view key,
                                                                         std::string_view ref);

// `link` with the token after its "#token=" replaced by the placeholder; a
// link without a token as it is.
[[nodiscard]] std::string without_token(std::string_view link);

// `message` (render_mime's output) with every placeholder of a token of
// `token`'s length replaced by `token`, in every part (also across an .ics
// line fold); an error when it holds none.
[[nodiscard]] common::Result<std::string, std::string> with_link_token(std::string_view message,
                                                                       std::string_view token);

}  // namespace slotwise::notifier
