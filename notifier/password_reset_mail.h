// The password reset email (ADR 0007 "Password reset tokens"): for an
// account's PasswordResetRequested, the link
//   {public_base_url}/reset-password#token=<token>
// with the token derived from the event as the command side checks it
// (auth/password_reset_token.h, key = manage_key_file, the command side's
// JWT secret), and the text around it. The token travels in the fragment,
// which browsers never send to a server, as manage tokens do (links.h).
//
// Thread safety: pure functions.
// Errors: none; a link that cannot be made (no public_base_url, a key the
// derivation refuses) is "" and the caller plans no email.
#pragma once

#include <string>

#include "domain/instant.h"
#include "notifier/links.h"
#include "notifier/templates.h"

namespace slotwise::notifier {

// The reset link of one request; "" without public_base_url or key.
[[nodiscard]] std::string password_reset_link(const LinkOptions& options,
                                              const std::string& user_id,
                                              const std::string& request_id,
                                              domain::Instant expires_at);

// Subject, text and HTML of the email to `name` carrying `link`, which
// works until `expires_at` (shown in UTC: the account has no zone).
[[nodiscard]] Rendered render_password_reset(const std::string& name, const std::string& link,
                                             domain::Instant expires_at);

}  // namespace slotwise::notifier
