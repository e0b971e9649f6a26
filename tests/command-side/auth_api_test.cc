// POST /v1/auth/signup and /v1/auth/login against the real command server:
// tokens, duplicate and concurrent signups, indistinguishable login
// failures, rate limiting, and refused bodies that append nothing.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/command-side/command_fixture.h"

using slotwise::testing::ApiClient;
using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;

TEST_CASE_FIXTURE(CommandFixture, "signup answers 201 with a user id and a working token") {
  auto r = api->post("/v1/auth/signup",
                     R"({"email":" Ann@Example.COM ","password":"correct horse","name":"Ann"})");
  REQUIRE(r.status == 201);
  CHECK(r.str("user_id").rfind("usr_", 0) == 0);
  CHECK_FALSE(r.str("token").empty());
  CHECK(r.position_header == std::to_string(r.json["position"].GetUint64()));
  // The token authorises owner endpoints.
  auto b = api->post("/v1/businesses",
                     R"({"slug":"ann-studio","name":"Ann","time_zone":"UTC","currency":"EUR"})",
                     bearer(r.str("token")));
  CHECK(b.status == 201);
  // Login with the normalised email works and returns another token.
  auto l = api->post("/v1/auth/login", R"({"email":"ann@example.com","password":"correct horse"})");
  CHECK(l.status == 200);
  CHECK(l.str("user_id") == r.str("user_id"));
}

TEST_CASE_FIXTURE(CommandFixture, "a second signup with the same email is 409 email_taken") {
  signup("bob@example.com");
  const auto before = last_sequence();
  auto r = api->post("/v1/auth/signup",
                     R"({"email":"BOB@example.com","password":"another pass","name":"Bob"})");
  CHECK(r.status == 409);
  CHECK(r.error_code() == "email_taken");
  CHECK(last_sequence() == before);
}

TEST_CASE_FIXTURE(CommandFixture, "of 16 concurrent signups with one email exactly one wins") {
  std::atomic<int> created{0};
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  threads.reserve(64);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      ApiClient client(port);
      auto r =
          client.post("/v1/auth/signup", R"({"email":"race@example.com","password":"password)" +
                                             std::to_string(i) + R"(","name":"R"})");
      if (r.status == 201) ++created;
      if (r.status == 409 && r.error_code() == "email_taken") ++taken;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 1);
  CHECK(taken == 15);
}

TEST_CASE_FIXTURE(CommandFixture, "wrong password and unknown email get the same 401") {
  signup("carol@example.com");
  auto wrong = api->post("/v1/auth/login", R"({"email":"carol@example.com","password":"nope"})");
  auto unknown = api->post("/v1/auth/login", R"({"email":"nobody@example.com","password":"x"})");
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(wrong.body == unknown.body);
  CHECK(wrong.error_code() == "invalid_credentials");
}

TEST_CASE_FIXTURE(CommandFixture, "login attempts are rate limited per email with Retry-After") {
  signup("dave@example.com");
  int limited = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = api->post("/v1/auth/login", R"({"email":"dave@example.com","password":"wrong"})");
    if (r.status == 429) {
      ++limited;
      CHECK(r.error_code() == "rate_limited");
      CHECK(std::stoi(r.retry_after) >= 1);
    } else {
      CHECK(r.status == 401);
    }
  }
  // Burst of 5 per email (test config): the rest are refused.
  CHECK(limited == 3);
}

TEST_CASE("signups are rate limited per client address, before the email is looked at") {
  CommandFixture f([](slotwise::command::CommandConfig& c) {
    c.signup_burst = 2;
    c.trusted_proxies = {"127.0.0.1"};
  });
  const auto signup = [&](const std::string& email, const std::string& client) {
    return f.api->post("/v1/auth/signup",
                       R"({"email":")" + email + R"(","password":"correct horse","name":"N"})",
                       {{"X-Forwarded-For", client}});
  };
  CHECK(signup("a1@example.com", "198.51.100.1").status == 201);
  CHECK(signup("a1@example.com", "198.51.100.1").status == 409);  // counts too
  const auto before = f.last_sequence();
  auto limited = signup("a2@example.com", "198.51.100.1");
  CHECK(limited.status == 429);
  CHECK(limited.error_code() == "rate_limited");
  CHECK(std::stoi(limited.retry_after) >= 1);
  // Refused before telling whether the email exists.
  CHECK(signup("a1@example.com", "198.51.100.1").status == 429);
  CHECK(f.last_sequence() == before);
  // Another client behind the same (trusted) proxy has its own bucket; an
  // address the client puts in front of the proxy's entry is not believed.
  CHECK(signup("b1@example.com", "198.51.100.2").status == 201);
  CHECK(signup("b2@example.com", "198.51.100.1, 198.51.100.2").status == 201);
  CHECK(signup("b3@example.com", "198.51.100.1, 198.51.100.2").status == 429);
}

TEST_CASE_FIXTURE(CommandFixture, "bad signup bodies are 4xx JSON errors and append nothing") {
  const auto before = last_sequence();
  struct Case {
    const char* body;
    int status;
  };
  for (const Case& c :
       {Case{"", 400}, Case{"[]", 400}, Case{"{", 400},
        Case{R"({"email":"a@b.co","password":"longenough","name":"A"} x)", 400},
        Case{R"({"email":"a@b.co","password":"short","name":"A"})", 400},
        Case{R"({"email":"a@b.co","password":"longenough"})", 400},
        Case{R"({"email":"a@b.co","password":"longenough","name":1})", 400},
        Case{R"({"email":"a@b.co","password":"longenough","name":"A","x":1})", 400},
        Case{R"({"email":"not-an-email","password":"longenough","name":"A"})", 422},
        Case{R"({"email":"a@b.co","password":"longenough","name":"A","name":"B"})", 400}}) {
    CAPTURE(c.body);
    auto r = api->post("/v1/auth/signup", c.body);
    CHECK(r.status == c.status);
    CHECK_FALSE(r.error_code().empty());
  }
  CHECK(last_sequence() == before);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "owner endpoints refuse missing, forged and expired tokens alike") {
  auto [user, token] = signup("erin@example.com");
  std::string forged = token;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  const std::string body =
      R"({"slug":"erin-studio","name":"E","time_zone":"UTC","currency":"EUR"})";
  CHECK(api->post("/v1/businesses", body).status == 401);
  CHECK(api->post("/v1/businesses", body, bearer(forged)).status == 401);
  CHECK(api->post("/v1/businesses", body, {{"Authorization", token}}).status == 401);
  advance(std::chrono::hours(13));  // past the 12 h lifetime
  auto expired = api->post("/v1/businesses", body, bearer(token));
  CHECK(expired.status == 401);
  CHECK(expired.error_code() == "unauthorized");
}
