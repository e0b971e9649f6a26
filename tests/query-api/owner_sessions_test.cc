// OwnerSessions' exactness rules without any server: which remembered
// sessions survive which notices, and when it may answer at all.
#include "query-api/owner_sessions.h"

#include <doctest/doctest.h>

namespace slotwise::query {
namespace {

using projections::ChangeNotice;

ChangeNotice password_changed(std::vector<std::string> accounts,
                              std::optional<std::uint64_t> position,
                              std::string projection = "main") {
  ChangeNotice n;
  n.projection = std::move(projection);
  n.position = position;
  n.accounts = std::move(accounts);
  return n;
}

const AccountSession kFirst{0, domain::Instant{}};
const AccountSession kSecond{1, domain::Instant{std::chrono::seconds{1'000'000}}};

// Reads "the database" the way the API does: token first.
void remember(OwnerSessions& s, const std::string& user, const AccountSession& session) {
  const std::uint64_t token = s.read_token();
  s.insert(user, token, session);
}

}  // namespace

TEST_CASE("a session read before its account's notice is not kept; a later notice drops it") {
  OwnerSessions s("main", 10);
  s.connected(10);
  const std::uint64_t token = s.read_token();
  // The projector commits the password change and its notice is applied
  // while the read (of the old row) runs.
  s.apply(password_changed({"usr_a"}, 11));
  s.insert("usr_a", token, kFirst);
  CHECK_FALSE(s.find("usr_a").has_value());
  remember(s, "usr_a", kSecond);
  CHECK(s.find("usr_a") == std::optional(kSecond));
  s.apply(password_changed({"usr_a"}, 12));
  CHECK_FALSE(s.find("usr_a").has_value());
  CHECK(s.size() == 0);
}

TEST_CASE("notices of other accounts, of businesses only, or of another projection leave it") {
  OwnerSessions s("main", 10);
  s.connected(0);
  remember(s, "usr_a", kFirst);
  s.apply(password_changed({"usr_b"}, 1));
  ChangeNotice businesses;
  businesses.projection = "main";
  businesses.position = 2;
  businesses.businesses = {"biz_a", "usr_a"};  // never an account's place
  s.apply(businesses);
  s.apply(password_changed({"usr_a"}, 3, "other"));
  CHECK(s.find("usr_a") == std::optional(kFirst));
}

TEST_CASE("everything changed, a lost or a new listener connection forget every session") {
  OwnerSessions s("main", 10);
  CHECK_FALSE(s.usable(std::nullopt));  // no listener yet: read the database
  s.connected(5);
  remember(s, "usr_a", kFirst);
  ChangeNotice all;
  all.projection = "main";
  all.position = 6;
  all.everything = true;
  s.apply(all);
  CHECK_FALSE(s.find("usr_a").has_value());

  remember(s, "usr_a", kFirst);
  s.disconnected();
  CHECK_FALSE(s.usable(std::nullopt));
  const std::uint64_t token = s.read_token();
  s.insert("usr_a", token, kFirst);  // while disconnected: not kept
  s.connected(7);
  CHECK_FALSE(s.find("usr_a").has_value());
}

TEST_CASE("it answers a request only once its notices reached the request's position") {
  OwnerSessions s("main", 10);
  s.connected(5);
  CHECK(s.usable(std::nullopt));
  CHECK(s.usable(5));
  CHECK_FALSE(s.usable(6));
  s.apply(password_changed({}, 6));
  CHECK(s.usable(6));
}

TEST_CASE("it keeps at most its capacity of accounts") {
  OwnerSessions s("main", 2);
  s.connected(0);
  remember(s, "usr_a", kFirst);
  remember(s, "usr_b", kFirst);
  remember(s, "usr_c", kFirst);
  CHECK(s.size() == 2);
  CHECK_FALSE(s.find("usr_a").has_value());
}

}  // namespace slotwise::query
