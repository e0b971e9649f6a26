// The password-change notice's text (notifier/password_changed_mail.h):
// when in UTC, how (signed in, or a reset link), the forgot-password link
// when public_base_url is set and a sentence without one otherwise, and
// every value HTML-escaped in the HTML body.
#include "notifier/password_changed_mail.h"

#include <doctest/doctest.h>

namespace slotwise::notifier {
namespace {

// Tuesday 26 May 2026, 08:00:00 UTC.
const domain::Instant kAt{std::chrono::seconds{1'779'782'400}};

}  // namespace

TEST_CASE("the notice of a change by the signed-in owner links the forgot-password page") {
  const std::string link = forgot_password_link({"https://book.example", "key"});
  CHECK(link == "https://book.example/forgot-password");
  const Rendered r = render_password_changed("Ann", kAt, false, link);
  CHECK(r.subject == "Your SlotWise password was changed");
  CHECK(r.text ==
        "Hello Ann,\n\n"
        "the password of your SlotWise account was changed on Tuesday 26 May 2026, 08:00 (UTC), "
        "by someone signed in with the current password.\n\n"
        "If this was you, there is nothing to do.\n"
        "If this wasn't you, reset your password now: https://book.example/forgot-password\n");
  CHECK(r.html.find("<a href=\"https://book.example/forgot-password\">reset your password "
                    "now</a>") != std::string::npos);
  CHECK(r.ics.empty());
}

TEST_CASE("the notice of a reset says so, and has no link without public_base_url") {
  CHECK(forgot_password_link({"", "key"}).empty());
  const Rendered r = render_password_changed("<Bo>", kAt, true, "");
  CHECK(r.text.find("08:00 (UTC), through a password reset link sent to this email address.") !=
        std::string::npos);
  CHECK(r.text.find("If this wasn't you, reset your password now.\n") != std::string::npos);
  CHECK(r.text.find("http") == std::string::npos);
  CHECK(r.html.find("Hello &lt;Bo&gt;,") != std::string::npos);
  CHECK(r.html.find("href") == std::string::npos);
}

}  // namespace slotwise::notifier
