// InvalidationLedger's rules without any server or cache: which rows read
// at which token a notice makes stale, when its owner may keep or use rows
// at all, and which position it reports.
#include "query-api/invalidation_ledger.h"

#include <doctest/doctest.h>

#include <mutex>

namespace slotwise::query {
namespace {

using projections::ChangeNotice;

ChangeNotice changed(std::vector<std::string> businesses, std::optional<std::uint64_t> position,
                     std::string projection = "main") {
  return ChangeNotice{std::move(projection), position, false, std::move(businesses), {}};
}

// A ledger keyed by business id, as the availability cache's.
InvalidationLedger ledger(std::size_t capacity = 10) {
  return {"main", capacity, &ChangeNotice::businesses};
}

bool valid(const InvalidationLedger& l, const std::string& key, std::uint64_t token) {
  const std::lock_guard lock(l.mutex());
  return l.valid(key, token);
}

bool may_keep(const InvalidationLedger& l, const std::string& key, std::uint64_t token) {
  const std::lock_guard lock(l.mutex());
  return l.may_keep(key, token);
}

std::uint64_t invalidations(const InvalidationLedger& l) {
  const std::lock_guard lock(l.mutex());
  return l.invalidations();
}

// Whether a row of "biz_keep", read before one notice that names `named`
// other businesses, is still valid after it.
bool unrelated_row_survives(std::size_t capacity, int named) {
  auto l = ledger(capacity);
  l.connected(0);
  const std::uint64_t token = l.read_token();
  std::vector<std::string> businesses;
  for (int i = 1; i <= named; ++i) businesses.push_back("b" + std::to_string(i));
  l.apply(changed(std::move(businesses), 1));
  return valid(l, "biz_keep", token);
}

}  // namespace

TEST_CASE("a notice makes stale only the rows of the keys it names, read before it") {
  auto l = ledger();
  l.connected(0);
  const std::uint64_t before = l.read_token();
  l.apply(changed({"biz_a", "biz_b"}, 1));
  CHECK_FALSE(valid(l, "biz_a", before));
  CHECK_FALSE(valid(l, "biz_b", before));
  CHECK(may_keep(l, "biz_c", before));
  CHECK(may_keep(l, "biz_a", l.read_token()));  // read after the notice
  CHECK(invalidations(l) == 3);                 // connected + biz_a + biz_b
}

TEST_CASE("only the owner's list of a notice and only its projection count") {
  auto l = ledger();
  l.connected(0);
  const std::uint64_t token = l.read_token();
  l.apply(ChangeNotice{"main", 1, false, {}, {"biz_a"}});  // an account list
  l.apply(changed({"biz_a"}, 2, "other"));
  CHECK(may_keep(l, "biz_a", token));
  CHECK(l.position() == std::optional<std::uint64_t>(1));  // the other projection's is not taken

  InvalidationLedger accounts("main", 10, &ChangeNotice::accounts);
  accounts.connected(0);
  const std::uint64_t read = accounts.read_token();
  accounts.apply(changed({"usr_a"}, 1));  // named as a business: not an account
  CHECK(valid(accounts, "usr_a", read));
  accounts.apply(ChangeNotice{"main", 2, false, {}, {"usr_a"}});
  CHECK_FALSE(valid(accounts, "usr_a", read));
}

TEST_CASE("a notice that everything changed makes every row read before it stale") {
  auto l = ledger();
  l.connected(0);
  const std::uint64_t before = l.read_token();
  l.apply(ChangeNotice{"main", 3, true, {}, {}});
  CHECK_FALSE(valid(l, "biz_a", before));
  CHECK(may_keep(l, "biz_a", l.read_token()));
  CHECK(invalidations(l) == 2);
}

TEST_CASE("not yet or no longer connected, nothing may be kept or used") {
  auto l = ledger();
  CHECK_FALSE(l.is_connected());
  CHECK_FALSE(l.usable(std::nullopt));
  CHECK(l.position() == std::nullopt);
  CHECK(valid(l, "biz_a", l.read_token()));           // nothing invalidated yet,
  CHECK_FALSE(may_keep(l, "biz_a", l.read_token()));  // but not to be kept

  l.connected(4);
  const std::uint64_t connected = l.read_token();
  CHECK(l.usable(std::nullopt));
  l.disconnected();
  CHECK_FALSE(l.is_connected());
  CHECK_FALSE(l.usable(std::nullopt));
  CHECK_FALSE(l.usable(4));
  CHECK(l.position() == std::nullopt);
  CHECK_FALSE(valid(l, "biz_a", connected));  // notices may be lost from now on
  CHECK_FALSE(may_keep(l, "biz_a", l.read_token()));
}

TEST_CASE("reconnecting makes every row read before it stale, also those read while disconnected") {
  auto l = ledger();
  l.connected(4);
  const std::uint64_t connected = l.read_token();
  l.disconnected();
  const std::uint64_t disconnected = l.read_token();
  l.connected(9);
  CHECK(l.is_connected());
  CHECK_FALSE(valid(l, "biz_a", connected));
  CHECK_FALSE(valid(l, "biz_a", disconnected));
  CHECK(may_keep(l, "biz_a", l.read_token()));
  CHECK(l.position() == std::optional<std::uint64_t>(9));
  CHECK(l.usable(9));
  CHECK_FALSE(l.usable(10));
  CHECK(invalidations(l) == 3);  // connected, disconnected, connected
}

TEST_CASE("more than 4 x capacity keys with numbers make every row stale") {
  auto l = ledger(1);
  l.connected(0);
  const std::uint64_t token = l.read_token();
  l.apply(changed({"b1", "b2", "b3", "b4"}, 1));
  CHECK(valid(l, "biz_keep", token));
  l.apply(changed({"b5"}, 2));
  CHECK_FALSE(valid(l, "biz_keep", token));
  CHECK(invalidations(l) == 7);  // connected + b1..b5 + the fold
  // Folded: the keys start over, up to 4 x capacity again.
  const std::uint64_t after = l.read_token();
  l.apply(changed({"b6", "b7", "b8", "b9"}, 3));
  CHECK(valid(l, "biz_keep", after));
  // Within one notice, too; the bound scales with the capacity.
  CHECK(unrelated_row_survives(2, 8));
  CHECK_FALSE(unrelated_row_survives(2, 9));
}

TEST_CASE("a capacity of 0 is bounded like 1") {
  CHECK(unrelated_row_survives(0, 4));
  CHECK_FALSE(unrelated_row_survives(0, 5));
}

TEST_CASE("the position is the last one given, as it comes: a notice without one leaves it") {
  auto l = ledger();
  l.connected(5);
  CHECK(l.position() == std::optional<std::uint64_t>(5));
  CHECK(l.usable(5));
  CHECK_FALSE(l.usable(6));
  l.apply(changed({"biz_a"}, std::nullopt));  // more of the commit follows
  CHECK(l.position() == std::optional<std::uint64_t>(5));
  l.apply(changed({"biz_b"}, 7));
  CHECK(l.usable(7));
  // Notices come in commit order, so the ledger does not compare: a smaller
  // position is taken as it is (and the earlier request waits again).
  l.apply(changed({}, 6));
  CHECK(l.position() == std::optional<std::uint64_t>(6));
  CHECK_FALSE(l.usable(7));
}

}  // namespace slotwise::query
