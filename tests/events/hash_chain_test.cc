// The audit hash chain: an intact log verifies; an altered, missing or
// reordered commit is caught and named by subject and sequence.
#include <doctest/doctest.h>

#include <algorithm>

#include "events/hash_chain.h"
#include "tests/events/store_fixture.h"

using slotwise::events::ChainVerifier;
using slotwise::events::ErrorCode;
using slotwise::events::ExpectedVersion;
using slotwise::events::Result;
using slotwise::events::ScanRange;
using slotwise::events::StoredCommit;
using slotwise::testing::request;
using slotwise::testing::StoreFixture;

namespace {

std::vector<StoredCommit> whole_log(const slotwise::events::EventStore& store) {
  std::vector<StoredCommit> out;
  REQUIRE(store
              .scan(ScanRange{},
                    [&](Result<StoredCommit>&& c) {
                      REQUIRE(c.ok());
                      out.push_back(std::move(c).value());
                      return true;
                    })
              .ok());
  return out;
}

slotwise::events::Status verify(const std::vector<StoredCommit>& log) {
  ChainVerifier v;
  for (const auto& c : log) {
    auto r = v.add({c.subject, c.sequence, c.commit.previous_version(), c.payload, c.hash_hex});
    if (!r) return r;
  }
  return slotwise::common::Unit{};
}

}  // namespace

TEST_CASE("chain hash is SHA-256 over previous hash and bytes") {
  // SHA-256 of 32 zero bytes followed by "abc", computed independently
  // (python3 -c "import hashlib;print(hashlib.sha256(bytes(32)+b'abc').hexdigest())").
  const auto h = slotwise::events::chain_hash(slotwise::events::zero_digest(), "abc");
  CHECK(slotwise::events::to_hex(h) ==
        "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
}

TEST_CASE("hex round trip and malformed hashes") {
  const auto h = slotwise::events::chain_hash(slotwise::events::zero_digest(), "x");
  auto back = slotwise::events::digest_from_hex(slotwise::events::to_hex(h));
  REQUIRE(back.ok());
  CHECK(back.value() == h);
  CHECK_FALSE(slotwise::events::digest_from_hex("abc").ok());
  CHECK_FALSE(slotwise::events::digest_from_hex(std::string(64, 'g')).ok());
}

TEST_CASE_FIXTURE(StoreFixture, "chain verification over a real log") {
  for (int i = 0; i < 12; ++i) {
    REQUIRE(store
                ->append(request("biz_h" + std::to_string(i % 3), ExpectedVersion::any(),
                                 "h" + std::to_string(i), 1 + i % 2))
                .ok());
  }
  auto log = whole_log(*store);
  REQUIRE(log.size() == 12);

  SUBCASE("an intact log verifies") { CHECK(verify(log).ok()); }

  SUBCASE("one altered byte is named by subject and sequence") {
    auto tampered = log;
    auto& victim = tampered[7];
    victim.payload[victim.payload.size() / 2] ^= 0x01;
    auto r = verify(tampered);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kChainBroken);
    CHECK(r.error().subject == victim.subject);
    CHECK(r.error().sequence == victim.sequence);
  }

  SUBCASE("an altered commit with a recomputed hash breaks the next link") {
    auto tampered = log;
    // Find two commits of one subject; rewrite the first consistently.
    auto& first = tampered[1];
    auto next = std::find_if(tampered.begin() + 2, tampered.end(),
                             [&](const StoredCommit& c) { return c.subject == first.subject; });
    REQUIRE(next != tampered.end());
    // Rewrite the first so its own hash is self-consistent with its predecessor.
    first.payload += "x";
    slotwise::events::Digest prev = slotwise::events::zero_digest();
    first.hash_hex = slotwise::events::to_hex(slotwise::events::chain_hash(prev, first.payload));
    auto r = verify(tampered);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().subject == next->subject);
    CHECK(r.error().sequence == next->sequence);
  }

  SUBCASE("a missing commit is caught at its successor") {
    auto tampered = log;
    const auto subject = tampered[4].subject;
    tampered.erase(tampered.begin() + 4);
    auto successor = std::find_if(tampered.begin() + 4, tampered.end(),
                                  [&](const StoredCommit& c) { return c.subject == subject; });
    REQUIRE(successor != tampered.end());
    auto r = verify(tampered);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().subject == successor->subject);
    CHECK(r.error().sequence == successor->sequence);
  }

  SUBCASE("two reordered commits of one subject are caught") {
    auto tampered = log;
    const auto subject = tampered[0].subject;
    auto second = std::find_if(tampered.begin() + 1, tampered.end(),
                               [&](const StoredCommit& c) { return c.subject == subject; });
    REQUIRE(second != tampered.end());
    std::iter_swap(tampered.begin(), second);
    auto r = verify(tampered);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().subject == subject);
    CHECK(r.error().sequence == tampered[0].sequence);
  }

  SUBCASE("a truncated hash header is caught") {
    auto tampered = log;
    tampered[3].hash_hex.pop_back();
    auto r = verify(tampered);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().sequence == tampered[3].sequence);
  }
}
