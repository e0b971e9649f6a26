// POST /v1/auth/password (the logged-in owner's change) against the real
// command server: a fresh token, login with the new password only, login's
// answer for a wrong current password, signup's rules for the new one,
// login's rate limits, and owner tokens issued before the change refused,
// by this process and (through the account watch) by another: also one
// issued in the change's own second (the session generation, "sgn"), while
// tokens without a generation (issued by an older build) keep the iat rule.
#include <doctest/doctest.h>

#include <string>

#include "tests/command-side/command_fixture.h"
#include "tests/support/eventually.h"

using slotwise::testing::ApiClient;
using slotwise::testing::ApiResponse;
using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;

namespace {

std::string business_body(const std::string& slug) {
  return R"({"slug":")" + slug + R"(","name":"B","time_zone":"UTC","currency":"EUR"})";
}

std::string change_body(const std::string& current, const std::string& next) {
  return R"({"current_password":")" + current + R"(","new_password":")" + next + R"("})";
}

ApiResponse log_in(const CommandFixture& f, const std::string& email, const std::string& password) {
  return f.api->post("/v1/auth/login",
                     R"({"email":")" + email + R"(","password":")" + password + R"("})");
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture,
                  "a password change answers a fresh token and only the new password logs in") {
  auto [user, token] = signup("pat@example.com");
  auto r =
      api->post("/v1/auth/password", change_body("correct horse", "battery staple"), bearer(token));
  REQUIRE(r.status == 200);
  CHECK(r.str("user_id") == user);
  CHECK(r.position_header == std::to_string(r.json["position"].GetUint64()));
  CHECK(r.json["position"].GetUint64() == last_sequence());
  // The fresh token authorises owner commands.
  auto b = api->post("/v1/businesses",
                     R"({"slug":"pat-studio","name":"Pat","time_zone":"UTC","currency":"EUR"})",
                     bearer(r.str("token")));
  CHECK(b.status == 201);
  CHECK(log_in(*this, "pat@example.com", "correct horse").status == 401);
  auto fresh = log_in(*this, "pat@example.com", "battery staple");
  CHECK(fresh.status == 200);
  CHECK(fresh.str("user_id") == user);
  // A new process (nothing cached) reads the change from the log.
  stop_server();
  start_server();
  CHECK(log_in(*this, "pat@example.com", "battery staple").status == 200);
}

TEST_CASE_FIXTURE(
    CommandFixture,
    "a wrong current password is login's 401 invalid_credentials, appending nothing") {
  auto [user, token] = signup("quinn@example.com");
  const auto before = last_sequence();
  auto wrong = api->post("/v1/auth/password", change_body("not my password", "battery staple"),
                         bearer(token));
  CHECK(wrong.status == 401);
  CHECK(wrong.error_code() == "invalid_credentials");
  // Byte for byte the answer login gives.
  CHECK(wrong.body == log_in(*this, "quinn@example.com", "nope").body);
  CHECK(last_sequence() == before);
  CHECK(log_in(*this, "quinn@example.com", "correct horse").status == 200);
}

TEST_CASE_FIXTURE(CommandFixture, "a password change needs a valid owner token") {
  signup("rae@example.com");
  const auto before = last_sequence();
  const std::string body = change_body("correct horse", "battery staple");
  auto none = api->post("/v1/auth/password", body);
  CHECK(none.status == 401);
  CHECK(none.error_code() == "unauthorized");
  CHECK(api->post("/v1/auth/password", body, bearer("not.a.token")).status == 401);
  CHECK(last_sequence() == before);
}

TEST_CASE_FIXTURE(
    CommandFixture,
    "the new password follows signup's rules; bad bodies are 400 and append nothing") {
  auto [user, token] = signup("sam@example.com");
  const auto before = last_sequence();
  for (const char* body :
       {"", "[]", "{", R"({"current_password":"correct horse","new_password":"short"})",
        R"({"current_password":"correct horse"})", R"({"new_password":"battery staple"})",
        R"({"current_password":"correct horse","new_password":12345678})",
        R"({"current_password":"correct horse","new_password":"battery staple","x":1})",
        R"({"current_password":"correct horse","new_password":"a","new_password":"b"})"}) {
    CAPTURE(body);
    auto r = api->post("/v1/auth/password", body, bearer(token));
    CHECK(r.status == 400);
    CHECK_FALSE(r.error_code().empty());
  }
  CHECK(last_sequence() == before);
  CHECK(log_in(*this, "sam@example.com", "correct horse").status == 200);
}

TEST_CASE("password changes are rate limited per user like login, whatever the address") {
  CommandFixture f([](slotwise::command::CommandConfig& c) { c.trusted_proxies = {"127.0.0.1"}; });
  auto [user, token] = f.signup("tess@example.com");
  int limited = 0;
  for (int i = 0; i < 8; ++i) {
    auto headers = bearer(token);
    headers.emplace("X-Forwarded-For", "198.51.100." + std::to_string(i + 1));
    auto r =
        f.api->post("/v1/auth/password", change_body("wrong guess", "battery staple"), headers);
    if (r.status == 429) {
      ++limited;
      CHECK(r.error_code() == "rate_limited");
      CHECK(std::stoi(r.retry_after) >= 1);
    } else {
      CHECK(r.status == 401);
    }
  }
  // Burst of 5 per user (the login burst of the test config).
  CHECK(limited == 3);
}

TEST_CASE_FIXTURE(CommandFixture, "owner tokens issued before a password change are refused") {
  auto [user, old_token] = signup("uli@example.com");
  CHECK(api->post("/v1/businesses", business_body("uli-1"), bearer(old_token)).status == 201);
  // JWT times are whole seconds: the change comes a minute after the token.
  advance(std::chrono::minutes(1));
  auto r = api->post("/v1/auth/password", change_body("correct horse", "battery staple"),
                     bearer(old_token));
  REQUIRE(r.status == 200);
  const auto before = last_sequence();
  auto refused = api->post("/v1/businesses", business_body("uli-2"), bearer(old_token));
  CHECK(refused.status == 401);
  CHECK(refused.error_code() == "unauthorized");
  CHECK(last_sequence() == before);
  // The same old token cannot change the password again either.
  CHECK(api->post("/v1/auth/password", change_body("battery staple", "third password"),
                  bearer(old_token))
            .status == 401);
  CHECK(api->post("/v1/businesses", business_body("uli-2"), bearer(r.str("token"))).status == 201);
  // A token from a login after the change works; after a restart (nothing
  // cached) the old one is still refused.
  advance(std::chrono::minutes(1));
  auto fresh = log_in(*this, "uli@example.com", "battery staple");
  REQUIRE(fresh.status == 200);
  CHECK(api->post("/v1/businesses", business_body("uli-3"), bearer(fresh.str("token"))).status ==
        201);
  stop_server();
  start_server();
  CHECK(api->post("/v1/businesses", business_body("uli-4"), bearer(old_token)).status == 401);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "another process refuses the old token as soon as the change is in the log") {
  const OtherProcess other = start_other_process();
  ApiClient& other_api = *other.api;

  const std::string old_token = signup("vera@example.com").second;
  // The other process authenticates the token, so it holds the account.
  REQUIRE(other_api.post("/v1/businesses", business_body("vera-1"), bearer(old_token)).status ==
          201);
  advance(std::chrono::minutes(1));
  REQUIRE(api->post("/v1/auth/password", change_body("correct horse", "battery staple"),
                    bearer(old_token))
              .status == 200);
  // Well within the cached account's 10 s age: the account watch did it.
  const auto changed = std::chrono::steady_clock::now();
  int slug = 2;
  CHECK(slotwise::testing::eventually(
      [&] {
        return other_api
                   .post("/v1/businesses", business_body("vera-" + std::to_string(slug++)),
                         bearer(old_token))
                   .status == 401;
      },
      std::chrono::seconds(5)));
  CHECK(std::chrono::steady_clock::now() - changed < std::chrono::seconds(5));
  other.server->stop();
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a token of the earlier session issued in the change's own second is refused") {
  auto [user, old_token] = signup("wes@example.com");
  auto r = api->post("/v1/auth/password", change_body("correct horse", "battery staple"),
                     bearer(old_token));
  REQUIRE(r.status == 200);
  // iat has whole seconds: the attacker's token of the old session, issued
  // in the very second the owner changed the password, shares its iat.
  const auto changed_at = last_password_change(user);
  const std::string raced = owner_token(user, changed_at, 0);
  const auto before = last_sequence();
  auto refused = api->post("/v1/businesses", business_body("wes-1"), bearer(raced));
  CHECK(refused.status == 401);
  CHECK(refused.error_code() == "unauthorized");
  CHECK(api->post("/v1/businesses", business_body("wes-1"), bearer(old_token)).status == 401);
  CHECK(last_sequence() == before);
  // The token the change answered, of that same second, works.
  CHECK(api->post("/v1/businesses", business_body("wes-1"), bearer(r.str("token"))).status == 201);
  // A second change in the same second ends the first one's session too.
  auto again = api->post("/v1/auth/password", change_body("battery staple", "third password"),
                         bearer(r.str("token")));
  REQUIRE(again.status == 200);
  CHECK(api->post("/v1/businesses", business_body("wes-2"), bearer(r.str("token"))).status == 401);
  CHECK(api->post("/v1/businesses", business_body("wes-2"), bearer(again.str("token"))).status ==
        201);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "tokens without a session generation keep the iat rule, the change's second "
                  "refused") {
  auto [user, token] = signup("xan@example.com");
  // Issued by the build before sessions had generations: an account that
  // never changed its password keeps them working.
  const std::string claimless = owner_token(user, now(), std::nullopt);
  CHECK(api->post("/v1/businesses", business_body("xan-1"), bearer(claimless)).status == 201);
  advance(std::chrono::minutes(1));
  REQUIRE(
      api->post("/v1/auth/password", change_body("correct horse", "battery staple"), bearer(token))
          .status == 200);
  const auto changed_at = last_password_change(user);
  CHECK(api->post("/v1/businesses", business_body("xan-2"), bearer(claimless)).status == 401);
  CHECK(api->post("/v1/businesses", business_body("xan-2"),
                  bearer(owner_token(user, changed_at, std::nullopt)))
            .status == 401);
  CHECK(api->post("/v1/businesses", business_body("xan-2"),
                  bearer(owner_token(user, changed_at + std::chrono::seconds(1), std::nullopt)))
            .status == 201);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "another process accepts the change's token before the watch tells it") {
  const OtherProcess other = start_other_process();
  auto [user, old_token] = signup("yve@example.com");
  // The other process holds the account (generation 0) in its cache.
  REQUIRE(other.api->post("/v1/businesses", business_body("yve-1"), bearer(old_token)).status ==
          201);
  auto r = api->post("/v1/auth/password", change_body("correct horse", "battery staple"),
                     bearer(old_token));
  REQUIRE(r.status == 200);
  // A generation ahead of its cache sends it to the log at once, watch or not.
  CHECK(other.api->post("/v1/businesses", business_body("yve-2"), bearer(r.str("token"))).status ==
        201);
  CHECK(other.api->post("/v1/businesses", business_body("yve-3"), bearer(old_token)).status == 401);
  other.server->stop();
}
