#include "notifier/password_reset_mail.h"

#include "auth/password_reset_token.h"

namespace slotwise::notifier {

std::string password_reset_link(const LinkOptions& options, const std::string& user_id,
                                const std::string& request_id, domain::Instant expires_at) {
  if (options.public_base_url.empty()) return {};
  auto token =
      auth::derive_password_reset_token(options.manage_key, user_id, request_id, expires_at);
  if (!token) return {};
  return options.public_base_url + "/reset-password#token=" + *token;
}

Rendered render_password_reset(const std::string& name, const std::string& link,
                               domain::Instant expires_at) {
  const std::string until = format_in_zone(expires_at, "UTC");
  Rendered r;
  r.subject = "Reset your SlotWise password";
  r.text = "Hello " + name +
           ",\n\n"
           "someone, hopefully you, asked to reset the password of your SlotWise account.\n"
           "Choose a new password here (the link works once, until " +
           until + "):\n\n" + link +
           "\n\n"
           "If you did not ask for this, ignore this email: your password stays as it is.\n";
  r.html = "<p>Hello " + html_escape(name) +
           ",</p>\n"
           "<p>someone, hopefully you, asked to reset the password of your SlotWise account.</p>\n"
           "<p><a href=\"" +
           html_escape(link) + "\">Choose a new password</a> (the link works once, until " +
           html_escape(until) +
           ").</p>\n"
           "<p>If you did not ask for this, ignore this email: your password stays as it "
           "is.</p>\n";
  return r;
}

}  // namespace slotwise::notifier
