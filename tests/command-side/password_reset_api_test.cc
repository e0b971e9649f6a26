// The forgotten-password reset against the real command server:
// POST /v1/auth/password-reset answers 202 {} whether or not the email has
// an account and appends PasswordResetRequested only for one;
// POST /v1/auth/password-reset/confirm sets the password once with the
// derived token (as the email carries it), and refuses a forged, expired,
// superseded or used token with 422 invalid_token.
#include <doctest/doctest.h>

#include <string>

#include "auth/password_reset_token.h"
#include "domain/account.h"
#include "domain/proto_values.h"
#include "tests/command-side/command_fixture.h"

using slotwise::testing::ApiResponse;
using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;
namespace v1 = slotwise::events::v1;

namespace {

// The fixture's JWT secret file, which also derives reset tokens.
const std::string kKey = "test-secret-of-at-least-thirty-two-bytes-0123456789";

// The last PasswordResetRequested of the account, as the log has it.
v1::PasswordResetRequested last_request(const CommandFixture& f, const std::string& user) {
  auto commits = f.reader->read({"account", user}, 0);
  REQUIRE(commits.ok());
  v1::PasswordResetRequested last;
  for (const auto& c : *commits) {
    for (const auto& rec : c.commit.events()) {
      auto e = slotwise::domain::from_any<slotwise::domain::AccountEvent>(rec.payload());
      REQUIRE(e.ok());
      REQUIRE(e->has_value());
      if (const auto* r = std::get_if<v1::PasswordResetRequested>(&**e)) last = *r;
    }
  }
  return last;
}

// The token the reset email carries for the account's last request.
std::string emailed_token(const CommandFixture& f, const std::string& user,
                          const std::string& key = kKey) {
  const auto r = last_request(f, user);
  REQUIRE_FALSE(r.request_id().empty());
  return slotwise::auth::derive_password_reset_token(key, user, r.request_id(),
                                                     slotwise::domain::to_instant(r.expires_at()))
      .value();
}

ApiResponse request_reset(const CommandFixture& f, const std::string& email,
                          const httplib::Headers& headers = {}) {
  return f.api->post("/v1/auth/password-reset", R"({"email":")" + email + R"("})", headers);
}

ApiResponse confirm(const CommandFixture& f, const std::string& token,
                    const std::string& password = "battery staple") {
  return f.api->post("/v1/auth/password-reset/confirm",
                     R"({"token":")" + token + R"(","password":")" + password + R"("})");
}

int log_in(const CommandFixture& f, const std::string& email, const std::string& password) {
  return f.api
      ->post("/v1/auth/login", R"({"email":")" + email + R"(","password":")" + password + R"("})")
      .status;
}

// Login limits high enough for the many attempts of one test (all from
// 127.0.0.1); the rate limit tests set their own.
void roomy(slotwise::command::CommandConfig& c) { c.login_burst = 1000; }

}  // namespace

TEST_CASE("a reset request answers 202 {} for any email and records a request only for one") {
  CommandFixture f(roomy);
  auto [user, token] = f.signup("uma@example.com");
  const auto before = f.last_sequence();
  const auto asked_at = f.now();
  auto known = request_reset(f, " Uma@Example.com ");
  CHECK(known.status == 202);
  CHECK(known.body == "{}");
  CHECK(f.last_sequence() == before + 1);
  const auto r = last_request(f, user);
  CHECK(r.user_id() == user);
  CHECK(r.request_id().size() == 32);
  const auto requested_at = slotwise::domain::to_instant(r.requested_at());
  CHECK(requested_at >= asked_at);
  CHECK(requested_at <= f.now());
  CHECK(slotwise::domain::to_instant(r.expires_at()) == requested_at + std::chrono::hours(1));

  // No account: the same answer, and nothing in the log.
  auto unknown = request_reset(f, "nobody@example.com");
  CHECK(unknown.status == known.status);
  CHECK(unknown.body == known.body);
  CHECK(unknown.position_header == known.position_header);
  CHECK(f.last_sequence() == before + 1);
}

TEST_CASE("the emailed token sets the new password once and answers a fresh token") {
  CommandFixture f(roomy);
  auto [user, old_token] = f.signup("vic@example.com");
  REQUIRE(request_reset(f, "vic@example.com").status == 202);
  const std::string token = emailed_token(f, user);
  f.advance(std::chrono::minutes(10));
  auto r = confirm(f, token);
  REQUIRE(r.status == 200);
  CHECK(r.str("user_id") == user);
  CHECK(r.json["position"].GetUint64() == f.last_sequence());
  const auto b = f.api->post(
      "/v1/businesses", R"({"slug":"vic-studio","name":"Vic","time_zone":"UTC","currency":"EUR"})",
      bearer(r.str("token")));
  CHECK(b.status == 201);
  CHECK(log_in(f, "vic@example.com", "correct horse") == 401);
  CHECK(log_in(f, "vic@example.com", "battery staple") == 200);
  // The reset ends every earlier session, also a token of the old session
  // issued in the reset's own second (a thief racing the owner).
  const std::string business_body =
      R"({"slug":"vic-2","name":"Vic","time_zone":"UTC","currency":"EUR"})";
  CHECK(f.api->post("/v1/businesses", business_body, bearer(old_token)).status == 401);
  const std::string raced = f.owner_token(user, f.last_password_change(user), 0);
  CHECK(f.api->post("/v1/businesses", business_body, bearer(raced)).status == 401);

  // Single use, also for a new process that reads the account from the log.
  const auto after = f.last_sequence();
  auto again = confirm(f, token, "another password");
  CHECK(again.status == 422);
  CHECK(again.error_code() == "invalid_token");
  f.stop_server();
  f.start_server();
  CHECK(confirm(f, token, "another password").error_code() == "invalid_token");
  CHECK(f.last_sequence() == after);
  CHECK(log_in(f, "vic@example.com", "battery staple") == 200);
}

TEST_CASE("forged, expired, superseded and overtaken tokens are 422 invalid_token") {
  CommandFixture f(roomy);
  auto [user, login_token] = f.signup("wes@example.com");
  REQUIRE(request_reset(f, "wes@example.com").status == 202);
  const std::string first = emailed_token(f, user);
  const auto before = f.last_sequence();
  const auto refused = [&](const std::string& token) {
    CAPTURE(token);
    auto r = confirm(f, token);
    CHECK(r.status == 422);
    CHECK(r.error_code() == "invalid_token");
  };

  SUBCASE("a wrong MAC, another key's MAC, or no token shape at all") {
    std::string forged = first;
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    refused(forged);
    refused(emailed_token(f, user, std::string(40, 'x')));
    refused("usr_x.y.z");
    refused(user + ".0123456789abcdef0123456789abcdef." + std::string(43, 'A'));
    CHECK(f.last_sequence() == before);
  }
  SUBCASE("an expired request") {
    f.advance(std::chrono::minutes(61));
    refused(first);
    CHECK(f.last_sequence() == before);
  }
  SUBCASE("a request a newer one superseded; the newer one works") {
    REQUIRE(request_reset(f, "wes@example.com").status == 202);
    const std::string second = emailed_token(f, user);
    CHECK(second != first);
    const auto requested = f.last_sequence();
    refused(first);
    CHECK(f.last_sequence() == requested);
    CHECK(confirm(f, second).status == 200);
  }
  SUBCASE("a request a logged-in change overtook") {
    auto changed =
        f.api->post("/v1/auth/password",
                    R"({"current_password":"correct horse","new_password":"changed meanwhile"})",
                    bearer(login_token));
    REQUIRE(changed.status == 200);
    refused(first);
    CHECK(log_in(f, "wes@example.com", "changed meanwhile") == 200);
  }
}

TEST_CASE("reset requests are rate limited per email and per address, known or not") {
  CommandFixture f([](slotwise::command::CommandConfig& c) {
    c.password_reset_burst = 2;
    c.trusted_proxies = {"127.0.0.1"};
  });
  f.signup("xia@example.com");
  const auto from = [](const std::string& client) {
    return httplib::Headers{{"X-Forwarded-For", client}};
  };
  // Per email: a third request from a third address is refused.
  CHECK(request_reset(f, "xia@example.com", from("198.51.100.1")).status == 202);
  CHECK(request_reset(f, "xia@example.com", from("198.51.100.2")).status == 202);
  const auto before = f.last_sequence();
  auto limited = request_reset(f, "xia@example.com", from("198.51.100.3"));
  CHECK(limited.status == 429);
  CHECK(limited.error_code() == "rate_limited");
  CHECK(std::stoi(limited.retry_after) >= 1);
  CHECK(f.last_sequence() == before);
  // Per address, whether the emails have accounts or not.
  CHECK(request_reset(f, "n1@example.com", from("198.51.100.9")).status == 202);
  CHECK(request_reset(f, "n2@example.com", from("198.51.100.9")).status == 202);
  CHECK(request_reset(f, "n3@example.com", from("198.51.100.9")).status == 429);
  // An unknown email is limited like a known one.
  CHECK(request_reset(f, "n1@example.com", from("198.51.100.10")).status == 202);
  CHECK(request_reset(f, "n1@example.com", from("198.51.100.11")).status == 429);
}

TEST_CASE_FIXTURE(CommandFixture, "confirmations are rate limited like logins") {
  auto [user, token] = signup("yan@example.com");
  const std::string guess = user + ".0123456789abcdef0123456789abcdef." + std::string(43, 'A');
  int limited = 0;
  for (int i = 0; i < 7; ++i) {
    auto r = confirm(*this, guess);
    if (r.status == 429) {
      ++limited;
      CHECK(r.error_code() == "rate_limited");
    } else {
      CHECK(r.error_code() == "invalid_token");
    }
  }
  CHECK(limited == 2);  // the test config's login burst is 5
}

TEST_CASE_FIXTURE(CommandFixture, "bad reset bodies are 4xx JSON errors and append nothing") {
  signup("zoe@example.com");
  const auto before = last_sequence();
  struct Case {
    const char* path;
    const char* body;
    int status;
  };
  for (const Case& c :
       {Case{"/v1/auth/password-reset", "", 400}, Case{"/v1/auth/password-reset", "{}", 400},
        Case{"/v1/auth/password-reset", R"({"email":1})", 400},
        Case{"/v1/auth/password-reset", R"({"email":"zoe@example.com","x":1})", 400},
        Case{"/v1/auth/password-reset", R"({"email":"not-an-email"})", 422},
        Case{"/v1/auth/password-reset/confirm", "{", 400},
        Case{"/v1/auth/password-reset/confirm", R"({"token":"a.b.c"})", 400},
        Case{"/v1/auth/password-reset/confirm", R"({"token":"a.b.c","password":"short"})", 400},
        Case{"/v1/auth/password-reset/confirm",
             R"({"token":"a.b.c","password":"long enough","x":1})", 400}}) {
    CAPTURE(c.body);
    auto r = api->post(c.path, c.body);
    CHECK(r.status == c.status);
    CHECK_FALSE(r.error_code().empty());
  }
  CHECK(last_sequence() == before);
}
