// End to end: an owner asks the real command side (in-process CommandServer
// over HTTP) for a password reset; the notifier, configured as ops/run does
// (the command side's JWT secret file as manage_key_file), emails the link
// {public_base_url}/reset-password#token=<token>, and the token parsed out
// of the email sets the new password, once. An email without an account
// gets no mail, and a notifier without public_base_url mails no link. No
// notifier table holds the token, neither while the email is planned nor
// after it was sent.
#include <doctest/doctest.h>

#include "tests/command-side/command_fixture.h"
#include "tests/notifier/linked_settings.h"
#include "tests/notifier/mail_text.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/notifier/stored_text.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {
namespace {

ApiResponse request_reset(const CommandFixture& f, const std::string& email) {
  return f.api->post("/v1/auth/password-reset", R"({"email":")" + email + R"("})");
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "the emailed reset link's token sets the new password once") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  signup("reset-flow@example.com");
  REQUIRE(request_reset(*this, "nobody@example.com").status == 202);
  REQUIRE(request_reset(*this, "reset-flow@example.com").status == 202);
  std::string planned;
  {
    // Email off: the reset email is planned, not sent.
    auto planning_only = linked_settings(*this, db, "");
    RunningNotifier notifier(*reader, planning_only);
    REQUIRE(notifier.wait_planned(last_sequence()));
    planned = stored_text(db);
  }
  RunningNotifier notifier(*reader, linked_settings(*this, db, smtp.url()));
  REQUIRE(smtp.wait_for(1, std::chrono::seconds(20)));
  REQUIRE(notifier.wait_planned(last_sequence()));
  const auto messages = smtp.messages();
  REQUIRE(messages.size() == 1);  // none for the email without an account
  const auto& mail = messages[0];
  REQUIRE(mail.to.size() == 1);
  CHECK(mail.to[0] == "reset-flow@example.com");
  CHECK(mail.message_id().find(".password_reset.") != std::string::npos);
  const std::string text = text_part(mail);
  const std::string prefix = "http://localhost:8080/reset-password#token=";
  const std::size_t at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  const std::size_t from = at + prefix.size();
  const std::string token = text.substr(from, text.find('\n', from) - from);
  // The MAC is its secret part ("<user_id>.<request_id>.<mac>").
  const std::string mac = token.substr(token.rfind('.') + 1);
  REQUIRE(mac.size() == 43);
  CHECK(planned.find("/reset-password#token=" + std::string(token.size(), '*')) !=
        std::string::npos);
  CHECK(planned.find(mac) == std::string::npos);
  const auto sent = [&] {
    return slotwise::testing::count(db, "SELECT count(*) FROM notifications WHERE status = 'sent'");
  };
  CHECK(eventually([&] { return sent() == 1; }, std::chrono::seconds(20)));
  CHECK(stored_text(db).find(mac) == std::string::npos);

  const std::string body = R"({"token":")" + token + R"(","password":"battery staple"})";
  auto set = api->post("/v1/auth/password-reset/confirm", body);
  CHECK(set.status == 200);
  CHECK(api->post("/v1/auth/login",
                  R"({"email":"reset-flow@example.com","password":"battery staple"})")
            .status == 200);
  auto again = api->post("/v1/auth/password-reset/confirm", body);
  CHECK(again.status == 422);
  CHECK(again.error_code() == "invalid_token");
}

TEST_CASE_FIXTURE(CommandFixture, "without public_base_url no reset email is planned") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  RunningNotifier notifier(*reader, notifier_settings(nats.url(), db, smtp.url()));
  signup("no-link@example.com");
  REQUIRE(request_reset(*this, "no-link@example.com").status == 202);
  REQUIRE(notifier.wait_planned(last_sequence()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few sender polls
  CHECK(smtp.messages().empty());
}

}  // namespace slotwise::testing
