// Link tokens at rest (notifier/link_token.h): the stored message has a
// placeholder of the token's length; putting the token derived from the
// ref back gives, byte for byte, the message rendered with the token (also
// where an .ics fold splits it); refs that cannot derive a token, and
// messages without a placeholder, are errors.
#include "notifier/link_token.h"

#include <doctest/doctest.h>

#include "auth/derived_ids.h"
#include "auth/password_reset_token.h"
#include "notifier/links.h"
#include "notifier/mime.h"
#include "notifier/password_reset_mail.h"
#include "notifier/templates.h"
#include "tests/notifier/booking_email.h"

namespace slotwise::notifier {
namespace {

const std::string kKey = "test-secret-of-at-least-thirty-two-bytes-0123456789";

// A confirmation (with its .ics) rendered with `links`, as the planner does.
std::string confirmation(const Links& links, const std::string& booking) {
  const BusinessFacts biz{"biz_t", "Salon Ünïcode", "Europe/Paris", "owner@example.com",
                          "1 rue de la Paix"};
  Email e = testing::booking_email(Kind::kConfirmation, biz, booking, links);
  e.from = {"SlotWise", "notifications@slotwise.localhost"};
  e.date = "Wed, 25 Nov 2026 22:00:00 +0000";
  return render_mime(e);
}

}  // namespace

TEST_CASE("a manage token put back gives the message rendered with it, .ics folds included") {
  // "URL:http://localhost:8080/manage/bkg_m1#token=" is 46 characters: the
  // .ics line folds at 75, inside the token.
  for (const std::string booking : {"bkg_m1", "bkg_AAAAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBB"}) {
    CAPTURE(booking);
    Links links = links_for({"http://localhost:8080", kKey}, booking, "salon");
    const std::string with_token = confirmation(links, booking);
    auto token = auth::derive_manage_token(kKey, booking);
    REQUIRE(token.ok());
    links.manage = without_token(links.manage);
    CHECK(links.manage == "http://localhost:8080/manage/" + booking +
                              "#token=" + std::string(token->token.size(), '*'));
    const std::string stored = confirmation(links, booking);
    CHECK(stored.size() == with_token.size());
    std::string decoded;
    (void)edit_parts(stored, [&](std::string& body) { decoded += body; });
    CHECK(decoded.find(token->token) == std::string::npos);
    CHECK(decoded.find("#token=***") != std::string::npos);

    auto derived = derive_link_token(kKey, manage_token_ref(booking));
    REQUIRE(derived.ok());
    CHECK(derived.value() == token->token);
    auto sent = with_link_token(stored, derived.value());
    REQUIRE(sent.ok());
    CHECK(sent.value() == with_token);
  }
}

TEST_CASE("a password reset token put back gives the message rendered with it") {
  const domain::Instant expires{std::chrono::seconds{1'790'003'600}};
  const std::string link = password_reset_link({"https://app.example.com", kKey},
                                               "usr_AAAAAAAAAAAAAAAAAAAAAA", "0123abcd", expires);
  REQUIRE(!link.empty());
  const auto mail = [&](const std::string& l) {
    const Rendered r = render_password_reset("Owner", l, expires);
    Email e;
    e.to = {"Owner", "owner@example.com"};
    e.subject = r.subject;
    e.message_id = "<usr_A.password_reset.0123abcd@slotwise.localhost>";
    e.text = r.text;
    e.html = r.html;
    return render_mime(e);
  };
  const std::string stored = mail(without_token(link));
  const std::string token = link.substr(link.find("#token=") + 7);
  CHECK(stored.find(token) == std::string::npos);
  auto derived = derive_link_token(
      kKey, password_reset_token_ref("usr_AAAAAAAAAAAAAAAAAAAAAA", "0123abcd", expires));
  REQUIRE(derived.ok());
  CHECK(derived.value() == token);
  auto sent = with_link_token(stored, derived.value());
  REQUIRE(sent.ok());
  CHECK(sent.value() == mail(link));
}

TEST_CASE("no key, a ref that names nothing, or no placeholder: the token is not put in") {
  CHECK(derive_link_token("", manage_token_ref("bkg_x")).error().find("manage_key_file") !=
        std::string::npos);
  CHECK(!derive_link_token("short", manage_token_ref("bkg_x")).ok());
  CHECK(!derive_link_token(kKey, "manage").ok());
  CHECK(!derive_link_token(kKey, "password_reset:usr_x:req:soon").ok());
  CHECK(!derive_link_token(kKey, "bearer:bkg_x").ok());
  // A message planned without links has no place for a token.
  const std::string plain = confirmation({}, "bkg_p");
  CHECK(!with_link_token(plain, std::string(43, 'A')).ok());
  CHECK(without_token("http://localhost:8080/dashboard/bookings/bkg_p") ==
        "http://localhost:8080/dashboard/bookings/bkg_p");
}

}  // namespace slotwise::notifier
