// AggregateRepository against a real nats-server: decisions are appended at
// the version they were decided on; concurrent writers (other processes) are
// detected and the decision retried on fresh state; unknown events are
// skipped; the cache catches up with commits written elsewhere.
#include "command-side/aggregate_repository.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "domain/email_claim.h"
#include "tests/events/store_fixture.h"

using slotwise::command::AggregateRepository;
using slotwise::domain::ClaimEmail;
using slotwise::domain::EmailClaimEvent;
using slotwise::domain::EmailClaimState;
using Repo = AggregateRepository<EmailClaimState, EmailClaimEvent>;

namespace {
Repo::Decide claim(const std::string& email, const std::string& user) {
  return [email, user](const EmailClaimState& s) {
    return slotwise::domain::decide(s, ClaimEmail{email, user});
  };
}
// Two repositories on two connections stand for two command processes.
struct TwoProcesses : slotwise::testing::StoreFixture {
  std::unique_ptr<slotwise::events::EventStore> other_store =
      slotwise::testing::open_store(nats.url());
  Repo a{*store, "email", 100};
  Repo b{*other_store, "email", 100};
};

}  // namespace

TEST_CASE_FIXTURE(slotwise::testing::StoreFixture, "a decision is appended and the state cached") {
  Repo repo(*store, "email", 100);
  auto first = repo.execute("e1", claim("ann@example.com", "usr_a"), "c1", {});
  REQUIRE(first.ok());
  CHECK(first->appended);
  CHECK(first->version == 1);
  auto loaded = repo.load("e1");
  REQUIRE(loaded.ok());
  CHECK(loaded->first.user_id == "usr_a");
  CHECK(loaded->second == 1);

  // The same user again: no events, not an error; another user: a domain error.
  auto again = repo.execute("e1", claim("ann@example.com", "usr_a"), "c2", {});
  REQUIRE(again.ok());
  CHECK_FALSE(again->appended);
  auto taken = repo.execute("e1", claim("ann@example.com", "usr_b"), "c3", {});
  REQUIRE_FALSE(taken.ok());
  REQUIRE(taken.error().is_domain());
  CHECK(taken.error().domain().code == "email_taken");
  CHECK(store->state()->messages == 1);
}

TEST_CASE_FIXTURE(TwoProcesses, "two processes race for one claim: exactly one wins") {
  for (int round = 0; round < 20; ++round) {
    const std::string id = "race" + std::to_string(round);
    std::atomic<int> wins{0};
    std::atomic<int> taken{0};
    std::thread ta([&] {
      auto r = a.execute(id, claim("x@example.com", "usr_a"), id + "-a", {});
      if (r.ok() && r->appended) ++wins;
      if (!r.ok() && r.error().is_domain() && r.error().domain().code == "email_taken") ++taken;
    });
    std::thread tb([&] {
      auto r = b.execute(id, claim("x@example.com", "usr_b"), id + "-b", {});
      if (r.ok() && r->appended) ++wins;
      if (!r.ok() && r.error().is_domain() && r.error().domain().code == "email_taken") ++taken;
    });
    ta.join();
    tb.join();
    CHECK(wins == 1);
    CHECK(taken == 1);
  }
  CHECK(store->state()->messages == 20);
}

TEST_CASE_FIXTURE(slotwise::testing::StoreFixture,
                  "the cache catches up with commits from elsewhere and skips unknown events") {
  Repo repo(*store, "email", 100);
  REQUIRE(repo.load("e2").ok());  // cached empty
  // Another writer appends an event this aggregate does not know, then a claim.
  slotwise::events::AppendRequest foreign;
  foreign.aggregate = {"email", "e2"};
  foreign.expected = slotwise::events::ExpectedVersion::no_stream();
  foreign.commit_id = "foreign";
  foreign.events.push_back(slotwise::testing::cancelled_event("bkg_x", "not an email event"));
  REQUIRE(store->append(foreign).ok());
  slotwise::events::v1::EmailClaimed claimed;
  claimed.set_email("bob@example.com");
  claimed.set_user_id("usr_bob");
  slotwise::events::AppendRequest req;
  req.aggregate = {"email", "e2"};
  req.expected = slotwise::events::ExpectedVersion::any();
  req.commit_id = "elsewhere";
  req.events.push_back(slotwise::events::pack(claimed));
  REQUIRE(store->append(req).ok());

  auto loaded = repo.load("e2");
  REQUIRE(loaded.ok());
  CHECK(loaded->first.user_id == "usr_bob");
  CHECK(loaded->second == 2);
  CHECK(repo.stats().unknown_events == 1);
  auto taken = repo.execute("e2", claim("bob@example.com", "usr_c"), "c9", {});
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().domain().code == "email_taken");
}

TEST_CASE_FIXTURE(slotwise::testing::StoreFixture,
                  "an event type this build does not know stops decisions on the aggregate") {
  Repo repo(*store, "email", 100);
  REQUIRE(repo.execute("e3", claim("carol@example.com", "usr_c"), "c1", {}).ok());
  // A newer build appends a type this one has never heard of.
  slotwise::events::AppendRequest future;
  future.aggregate = {"email", "e3"};
  future.expected = slotwise::events::ExpectedVersion::any();
  future.commit_id = "future";
  future.events.push_back({"slotwise.events.v2.EmailReleased", std::string("\x0a\x03"
                                                                           "abc")});
  REQUIRE(store->append(future).ok());
  auto loaded = repo.load("e3");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == slotwise::events::ErrorCode::kUnknownEventType);
  CHECK(loaded.error().event_type == "slotwise.events.v2.EmailReleased");
  // No decision on the state without it: not even one the cache would allow.
  auto again = repo.execute("e3", claim("carol@example.com", "usr_d"), "c2", {});
  REQUIRE_FALSE(again.ok());
  REQUIRE_FALSE(again.error().is_domain());
  CHECK(again.error().store().code == slotwise::events::ErrorCode::kUnknownEventType);
  CHECK(store->version({"email", "e3"}).value() == 2);  // nothing appended
}

TEST_CASE_FIXTURE(TwoProcesses,
                  "a cached state another process made stale costs one conflict, not a wrong "
                  "decision") {
  REQUIRE(a.load("e3").ok());  // a caches "unclaimed"
  REQUIRE(b.execute("e3", claim("cy@example.com", "usr_b"), "b1", {}).ok());

  // a decides on its cached state without a read; the append at version 0
  // conflicts, a reads on and decides again.
  auto taken = a.execute("e3", claim("cy@example.com", "usr_a"), "a1", {});
  REQUIRE_FALSE(taken.ok());
  REQUIRE(taken.error().is_domain());
  CHECK(taken.error().domain().code == "email_taken");
  CHECK(a.stats().conflicts == 1);
  // The same user again is a no-op only once the log confirms it.
  REQUIRE(b.load("e4").ok());
  REQUIRE(a.execute("e4", claim("dee@example.com", "usr_d"), "a2", {}).ok());
  auto same = b.execute("e4", claim("dee@example.com", "usr_d"), "b2", {});
  REQUIRE(same.ok());
  CHECK_FALSE(same->appended);
  CHECK(same->attempts == 2);
  CHECK(store->state()->messages == 2);
}

TEST_CASE_FIXTURE(TwoProcesses,
                  "a recent snapshot is served from the cache until its age passes or it is "
                  "invalidated") {
  const auto long_age = std::chrono::hours(1);
  auto unclaimed = a.load_recent("e5", long_age);  // a reads and caches "unclaimed"
  REQUIRE(unclaimed.ok());
  CHECK(unclaimed->second == 0);
  REQUIRE(b.execute("e5", claim("eve@example.com", "usr_b"), "b1", {}).ok());

  // Within its age the snapshot is the cached one, without a read.
  const auto misses = a.stats().cache_misses;
  auto cached = a.load_recent("e5", long_age);
  REQUIRE(cached.ok());
  CHECK_FALSE(cached->first.claimed());
  CHECK(cached->second == 0);
  // Past its age (zero here) it is read on.
  auto aged = a.load_recent("e5", std::chrono::seconds(0));
  REQUIRE(aged.ok());
  CHECK(aged->first.user_id == "usr_b");
  CHECK(aged->second == 1);
  CHECK(a.stats().cache_misses == misses);  // caught up, not reloaded

  // Invalidated, it is read on whatever its age; then cached again.
  REQUIRE(b.execute("e6", claim("fay@example.com", "usr_f"), "b2", {}).ok());
  REQUIRE(a.load_recent("e6", long_age).ok());
  a.invalidate("e6");
  a.invalidate("never-loaded");  // nothing cached: nothing to do
  auto after = a.load_recent("e6", long_age);
  REQUIRE(after.ok());
  CHECK(after->first.user_id == "usr_f");
  {
    // A second commit to e6 (the claim repeated; a decision would make it a
    // no-op), appended straight to the log as another process could.
    slotwise::events::AppendRequest req;
    req.aggregate = {"email", "e6"};
    req.expected = slotwise::events::ExpectedVersion::exact(after->second);
    req.commit_id = "foreign";
    slotwise::events::v1::EmailClaimed again;
    again.set_email("fay@example.com");
    again.set_user_id("usr_f");
    auto [type, data] = slotwise::domain::to_packed(EmailClaimEvent{again});
    req.events.push_back(slotwise::events::PackedEvent{std::move(type), std::move(data)});
    REQUIRE(other_store->append(std::move(req)).ok());
  }
  auto still_cached = a.load_recent("e6", long_age);
  REQUIRE(still_cached.ok());
  CHECK(still_cached->second == after->second);  // not invalidated: not read
  a.invalidate("e6");
  auto reread = a.load_recent("e6", long_age);
  REQUIRE(reread.ok());
  CHECK(reread->second > after->second);
}
