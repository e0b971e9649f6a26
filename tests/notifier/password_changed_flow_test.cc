// End to end: an owner's password changed through the real command side
// (in-process CommandServer over HTTP), by the signed-in owner (POST
// /v1/auth/password) or through the emailed reset link (POST
// /v1/auth/password-reset/confirm), sends one security notice
// (password_changed) to the account's email: when (UTC), how, and the
// {public_base_url}/forgot-password link, without any token, password or
// hash. Other account events (signup, a reset request) send no notice; the
// log planned again after the retention deleted the sent notice (slotwise
// notifier replay) sends none twice; without public_base_url the notice has
// no link.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "notifier/notifier_admin.h"
#include "notifier/outbox_retention.h"
#include "tests/command-side/command_fixture.h"
#include "tests/notifier/linked_settings.h"
#include "tests/notifier/mail_text.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {
namespace {

std::string change_body(const std::string& current, const std::string& next) {
  return R"({"current_password":")" + current + R"(","new_password":")" + next + R"("})";
}

// The received messages whose Message-ID names `kind` (".<kind>.").
std::vector<ReceivedMail> of_kind(const FakeSmtpServer& smtp, const std::string& kind) {
  std::vector<ReceivedMail> out;
  for (const auto& m : smtp.messages()) {
    if (m.message_id().find("." + kind + ".") != std::string::npos) out.push_back(m);
  }
  return out;
}

// Headers and decoded bodies: what the reader of the email sees.
std::string readable(const ReceivedMail& m) {
  return m.data + "\n" + text_part(m) + "\n" + decoded_part(m, "text/html");
}

// Polls `query`'s count on `db` until it is `expected` (20 s at most).
bool eventually_sql_in(const std::string& db, const std::string& query, std::int64_t expected) {
  return eventually([&] { return count(db, query) == expected; }, std::chrono::seconds(20));
}

// The reset link's token in the emailed text ("" when absent).
std::string emailed_token(const ReceivedMail& m) {
  const std::string text = text_part(m);
  const std::string prefix = "http://localhost:8080/reset-password#token=";
  const std::size_t at = text.find(prefix);
  if (at == std::string::npos) return {};
  const std::size_t from = at + prefix.size();
  return text.substr(from, text.find('\n', from) - from);
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture,
                  "a password change by the signed-in owner mails one notice to the account") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  RunningNotifier notifier(*reader, linked_settings(*this, db, smtp.url()));

  auto [user, token] = signup("changed@example.com");
  signup("bystander@example.com");
  auto r =
      api->post("/v1/auth/password", change_body("correct horse", "battery staple"), bearer(token));
  REQUIRE(r.status == 200);
  REQUIRE(smtp.wait_for(1, std::chrono::seconds(20)));
  REQUIRE(notifier.wait_planned(last_sequence()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few sender polls
  const auto messages = smtp.messages();
  REQUIRE(messages.size() == 1);  // signups send nothing
  const auto& mail = messages[0];
  REQUIRE(mail.to.size() == 1);
  CHECK(mail.to[0] == "changed@example.com");
  CHECK(mail.message_id().find(user + ".password_changed.1@") != std::string::npos);
  CHECK(mail.header("Subject") == "Your SlotWise password was changed");
  const std::string text = text_part(mail);
  CHECK(text.find("Hello Owner,") != std::string::npos);
  CHECK(text.find("was changed on ") != std::string::npos);
  CHECK(text.find("(UTC), by someone signed in with the current password.") != std::string::npos);
  CHECK(text.find("If this wasn't you, reset your password now: "
                  "http://localhost:8080/forgot-password\n") != std::string::npos);
  CHECK(
      decoded_part(mail, "text/html").find("<a href=\"http://localhost:8080/forgot-password\">") !=
      std::string::npos);
  const std::string all = readable(mail);
  for (const char* secret : {"correct horse", "battery staple", "$argon2", "token"}) {
    CHECK_MESSAGE(all.find(secret) == std::string::npos, secret);
  }
}

TEST_CASE_FIXTURE(CommandFixture, "a reset through the emailed link mails one notice, no token") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  RunningNotifier notifier(*reader, linked_settings(*this, db, smtp.url()));

  auto [user, ignored] = signup("reset-notice@example.com");
  REQUIRE(api->post("/v1/auth/password-reset", R"({"email":"reset-notice@example.com"})").status ==
          202);
  REQUIRE(smtp.wait_for(1, std::chrono::seconds(20)));
  REQUIRE(notifier.wait_planned(last_sequence()));
  REQUIRE(of_kind(smtp, "password_reset").size() == 1);
  CHECK(of_kind(smtp, "password_changed").empty());  // a request changes nothing
  const std::string token = emailed_token(of_kind(smtp, "password_reset")[0]);
  REQUIRE(!token.empty());
  REQUIRE(api->post("/v1/auth/password-reset/confirm",
                    R"({"token":")" + token + R"(","password":"battery staple"})")
              .status == 200);
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  REQUIRE(notifier.wait_planned(last_sequence()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(smtp.count() == 2);
  const auto notices = of_kind(smtp, "password_changed");
  REQUIRE(notices.size() == 1);
  const auto& mail = notices[0];
  REQUIRE(mail.to.size() == 1);
  CHECK(mail.to[0] == "reset-notice@example.com");
  CHECK(mail.message_id().find(user + ".password_changed.1@") != std::string::npos);
  CHECK(text_part(mail).find("(UTC), through a password reset link sent to this email address.") !=
        std::string::npos);
  // Neither the token nor its request id (the token's middle part).
  const std::string request_id = token.substr(user.size() + 1, 32);
  const std::string all = readable(mail);
  for (const std::string& secret : {token, request_id, std::string("battery staple"),
                                    std::string("$argon2"), std::string("reset-password#")}) {
    CHECK_MESSAGE(all.find(secret) == std::string::npos, secret);
  }
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a replayed password change is not mailed again, a later change is") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  const auto settings = linked_settings(*this, db, smtp.url());
  auto [user, token] = signup("replay-notice@example.com");
  auto changed =
      api->post("/v1/auth/password", change_body("correct horse", "battery staple"), bearer(token));
  REQUIRE(changed.status == 200);
  {
    RunningNotifier notifier(*reader, settings);
    REQUIRE(smtp.wait_for(1, std::chrono::seconds(20)));
    REQUIRE(notifier.wait_planned(last_sequence()));
    REQUIRE(eventually_sql_in(db, "SELECT count(*) FROM notifications WHERE status = 'sent'", 1));
  }
  // Restarted as it was: the checkpoint holds, nothing is planned again.
  {
    RunningNotifier notifier(*reader, settings);
    REQUIRE(notifier.wait_planned(last_sequence()));
    CHECK_FALSE(smtp.wait_for(2, std::chrono::seconds(1)));
  }
  // The retention deletes the sent notice (after 1 ms instead of 90 days)
  // and the log is planned again from the start (slotwise notifier replay):
  // every event is delivered to the planner again, and the outbox no
  // longer holds the notice's id.
  {
    pqxx::connection c(db);
    auto pruned = notifier::prune_outbox(c, std::chrono::milliseconds(1));
    REQUIRE(pruned);
    REQUIRE(pruned.value() == 1);
    REQUIRE(notifier::replay_notifier(c, "notifier-test", 1));
  }
  RunningNotifier notifier(*reader, settings);
  REQUIRE(notifier.wait_planned(last_sequence()));
  CHECK_FALSE(smtp.wait_for(2, std::chrono::seconds(2)));
  CHECK(count(db, "SELECT count(*) FROM notifications") == 0);
  // A second change is a second notice.
  auto again = api->post("/v1/auth/password", change_body("battery staple", "hunter two two"),
                         bearer(changed.str("token")));
  REQUIRE(again.status == 200);
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  const auto notices = of_kind(smtp, "password_changed");
  REQUIRE(notices.size() == 2);
  CHECK(notices[1].message_id().find(user + ".password_changed.2@") != std::string::npos);
}

TEST_CASE_FIXTURE(CommandFixture, "without public_base_url the notice has no link") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  RunningNotifier notifier(*reader, notifier_settings(nats.url(), db, smtp.url()));
  auto [user, token] = signup("no-link-notice@example.com");
  REQUIRE(
      api->post("/v1/auth/password", change_body("correct horse", "battery staple"), bearer(token))
          .status == 200);
  REQUIRE(smtp.wait_for(1, std::chrono::seconds(20)));
  const auto notices = of_kind(smtp, "password_changed");
  REQUIRE(notices.size() == 1);
  const std::string text = text_part(notices[0]);
  CHECK(text.find("If this wasn't you, reset your password now.\n") != std::string::npos);
  CHECK(text.find("http") == std::string::npos);
  CHECK(decoded_part(notices[0], "text/html").find("href") == std::string::npos);
}

}  // namespace slotwise::testing
