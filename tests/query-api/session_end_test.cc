// End to end: a password change or reset on the real command side (in-process
// CommandServer over HTTP) ends the owner's older sessions on the query API
// too, once the projector has applied the change: an old token, also one of
// the change's own second, is 401 on both; the token the change answered
// (and a later login's) works on both; tokens without a session generation
// keep the iat rule. A request with SlotWise-Min-Position at the change's
// position sees it for certain, even with the owner's session remembered by
// OwnerSessions; without the header, within the projection lag.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "auth/password_reset_token.h"
#include "tests/command-side/command_fixture.h"
#include "tests/query-api/query_fixture.h"
#include "tests/read_side/read_side_fixture.h"
#include "tests/support/eventually.h"

namespace slotwise::testing {
namespace {

auth::JwtCodec codec_of(const std::string& secret_file) {
  return auth::JwtCodec(auth::JwtKey::from_file(secret_file).value(),
                        auth::JwtSettings{"slotwise", "slotwise-api", std::chrono::seconds(30)});
}

// The command side (CommandFixture), a projector and the query API
// (QuerySide) on one log, sharing the JWT secret as ops/run configures them.
struct BothSides : CommandFixture {
  PostgresServerFixture pg;
  QuerySide query_side{*reader, create_database(pg, "rm"), codec_of(secret_file)};

  BothSides() { query_side.start(query::QueryOptions{}); }

  // Waits until OwnerSessions has the notices up to `position`, so a read
  // at that position is answered from (and remembered in) it.
  void listened(std::uint64_t position) const {
    REQUIRE(
        eventually([&] { return query_side.sessions.usable(position); }, std::chrono::seconds(10)));
  }
  // GET on the query API as `token`, after the projection reached `position`.
  int read_as(const std::string& token, const std::string& path, std::uint64_t position) const {
    auto r = query_side.client->Get(path, {{"Authorization", "Bearer " + token},
                                           {"SlotWise-Min-Position", std::to_string(position)}});
    REQUIRE(r);
    return r->status;
  }
  // A business of `token`'s owner; its id and the commit's position.
  std::pair<std::string, std::uint64_t> create_business(const std::string& token,
                                                        const std::string& slug) const {
    auto r = api->post(
        "/v1/businesses",
        R"({"slug":")" + slug + R"(","name":"Studio","time_zone":"UTC","currency":"EUR"})",
        bearer(token));
    REQUIRE(r.status == 201);
    return {r.str("business_id"), std::stoull(r.position_header)};
  }
  int command_as(const std::string& token, const std::string& slug) const {
    return api
        ->post("/v1/businesses",
               R"({"slug":")" + slug + R"(","name":"S","time_zone":"UTC","currency":"EUR"})",
               bearer(token))
        .status;
  }
};

std::string change_body(const std::string& current, const std::string& next) {
  return R"({"current_password":")" + current + R"(","new_password":")" + next + R"("})";
}

// The reset token the email carries for the account's last request.
std::string emailed_token(const CommandFixture& f, const std::string& user) {
  auto commits = f.reader->read({"account", user}, 0);
  REQUIRE(commits.ok());
  std::optional<events::v1::PasswordResetRequested> last;
  for (const auto& c : *commits) {
    for (const auto& rec : c.commit.events()) {
      auto e = domain::from_any<domain::AccountEvent>(rec.payload());
      REQUIRE(e.ok());
      REQUIRE(e->has_value());
      if (const auto* r = std::get_if<events::v1::PasswordResetRequested>(&**e)) last = *r;
    }
  }
  REQUIRE(last.has_value());
  return auth::derive_password_reset_token("test-secret-of-at-least-thirty-two-bytes-0123456789",
                                           user, last->request_id(),
                                           domain::to_instant(last->expires_at()))
      .value();
}

}  // namespace

TEST_CASE_FIXTURE(BothSides,
                  "after a password change old tokens are 401 on both sides, the new one works") {
  auto [user, old_token] = signup("both@example.com");
  const auto [business, created] = create_business(old_token, "both-studio");
  const std::string bookings = "/v1/businesses/" + business + "/bookings";
  // The query API remembers the owner's session (generation 0).
  listened(created);
  REQUIRE(read_as(old_token, bookings, created) == 200);
  REQUIRE(read_as(old_token, "/v1/me/businesses", created) == 200);
  CHECK(query_side.sessions.size() == 1);

  auto changed = api->post("/v1/auth/password", change_body("correct horse", "battery staple"),
                           bearer(old_token));
  REQUIRE(changed.status == 200);
  const std::uint64_t at = changed.json["position"].GetUint64();
  const std::string new_token = changed.str("token");
  // A thief's token of the old session from the change's own second.
  const std::string raced = owner_token(user, last_password_change(user), 0);

  for (const std::string& path :
       {bookings, std::string("/v1/me/businesses"),
        "/v1/businesses/" + business + "/stats?from=2026-01-01&to=2026-01-31",
        "/v1/businesses/" + business + "/customers", "/v1/businesses/" + business + "/services",
        "/v1/businesses/" + business + "/calendar-feed"}) {
    CAPTURE(path);
    CHECK(read_as(old_token, path, at) == 401);
    CHECK(read_as(raced, path, at) == 401);
    CHECK(read_as(new_token, path, at) == 200);
  }
  CHECK(command_as(old_token, "both-2") == 401);
  CHECK(command_as(raced, "both-2") == 401);
  CHECK(command_as(new_token, "both-2") == 201);

  // A later login's token works on both sides too.
  advance(std::chrono::minutes(1));
  auto login =
      api->post("/v1/auth/login", R"({"email":"both@example.com","password":"battery staple"})");
  REQUIRE(login.status == 200);
  CHECK(read_as(login.str("token"), bookings, at) == 200);
  CHECK(command_as(login.str("token"), "both-3") == 201);
}

TEST_CASE_FIXTURE(BothSides, "a password reset ends old sessions on the query API too") {
  auto [user, old_token] = signup("reset-both@example.com");
  const auto [business, created] = create_business(old_token, "reset-both");
  const std::string bookings = "/v1/businesses/" + business + "/bookings";
  REQUIRE(read_as(old_token, bookings, created) == 200);
  REQUIRE(api->post("/v1/auth/password-reset", R"({"email":"reset-both@example.com"})").status ==
          202);
  auto reset =
      api->post("/v1/auth/password-reset/confirm",
                R"({"token":")" + emailed_token(*this, user) + R"(","password":"battery staple"})");
  REQUIRE(reset.status == 200);
  const std::uint64_t at = reset.json["position"].GetUint64();
  CHECK(read_as(old_token, bookings, at) == 401);
  CHECK(read_as(owner_token(user, last_password_change(user), 0), bookings, at) == 401);
  CHECK(read_as(reset.str("token"), bookings, at) == 200);
}

TEST_CASE_FIXTURE(BothSides,
                  "without SlotWise-Min-Position the query API refuses the old token within the "
                  "projection lag") {
  const std::string old_token = signup("lag@example.com").second;
  const auto [business, created] = create_business(old_token, "lag-studio");
  const std::string path = "/v1/businesses/" + business + "/bookings";
  listened(created);
  REQUIRE(read_as(old_token, path, created) == 200);
  REQUIRE(query_side.sessions.size() == 1);  // remembered: only the notice can drop it
  REQUIRE(api->post("/v1/auth/password", change_body("correct horse", "battery staple"),
                    bearer(old_token))
              .status == 200);
  const auto changed = std::chrono::steady_clock::now();
  CHECK(eventually(
      [&] {
        auto r = query_side.client->Get(path, {{"Authorization", "Bearer " + old_token}});
        return r && r->status == 401;
      },
      std::chrono::seconds(10)));
  // The projector applies a commit within milliseconds here; seconds would
  // mean the remembered session was never dropped.
  CHECK(std::chrono::steady_clock::now() - changed < std::chrono::seconds(5));
}

TEST_CASE_FIXTURE(BothSides,
                  "tokens without a session generation keep the iat rule on the query API") {
  auto [user, token] = signup("claimless@example.com");
  const auto [business, created] = create_business(token, "claimless");
  const std::string path = "/v1/businesses/" + business + "/bookings";
  // Issued before tokens carried a generation: working while the password
  // never changed (no session ends at deploy).
  const std::string before = owner_token(user, now(), std::nullopt);
  CHECK(read_as(before, path, created) == 200);
  advance(std::chrono::minutes(1));
  auto changed =
      api->post("/v1/auth/password", change_body("correct horse", "battery staple"), bearer(token));
  REQUIRE(changed.status == 200);
  const std::uint64_t at = changed.json["position"].GetUint64();
  const auto changed_at = last_password_change(user);
  CHECK(read_as(before, path, at) == 401);
  CHECK(read_as(owner_token(user, changed_at, std::nullopt), path, at) == 401);
  CHECK(read_as(owner_token(user, changed_at + std::chrono::seconds(1), std::nullopt), path, at) ==
        200);
}

TEST_CASE_FIXTURE(BothSides,
                  "a token of a change the projector has not applied yet is accepted, not "
                  "refused") {
  auto [user, token] = signup("ahead@example.com");
  const auto [business, created] = create_business(token, "ahead");
  REQUIRE(query_side.projector->wait_for(created));
  query_side.projector->stop();
  auto changed =
      api->post("/v1/auth/password", change_body("correct horse", "battery staple"), bearer(token));
  REQUIRE(changed.status == 200);
  // The read models still say generation 0; the new token names 1.
  CHECK(read_as(changed.str("token"), "/v1/businesses/" + business + "/bookings", created) == 200);
}

}  // namespace slotwise::testing
