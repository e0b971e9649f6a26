// HoldSchedule: deadlines in due order, retries pushed later, removals
// leaving nothing behind (no stale retry for a booking paid meanwhile).
#include "command-side/hold_schedule.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using slotwise::command::HoldSchedule;
using slotwise::domain::Instant;

const Instant t0{std::chrono::seconds(1'800'000'000)};

Instant at(int minutes) { return t0 + std::chrono::minutes(minutes); }

std::vector<std::string> ids(const std::vector<std::pair<std::string, HoldSchedule::Hold>>& due) {
  std::vector<std::string> out;
  out.reserve(due.size());
  for (const auto& [id, hold] : due) out.push_back(id);
  return out;
}

}  // namespace

TEST_CASE("holds come due in deadline order, not in the order they were added") {
  HoldSchedule s;
  CHECK_FALSE(s.next_due().has_value());
  CHECK(s.add("bkg_c", "biz_1", at(30)));
  CHECK(s.add("bkg_a", "biz_1", at(10)));
  CHECK(s.add("bkg_b", "biz_2", at(20)));
  CHECK(s.size() == 3);
  CHECK(s.next_due() == at(10));
  CHECK(s.due(at(9)).empty());
  CHECK(ids(s.due(at(20))) == std::vector<std::string>{"bkg_a", "bkg_b"});
  const auto all = s.due(at(60));
  REQUIRE(all.size() == 3);
  CHECK(all[1].second.business_id == "biz_2");
  CHECK(all[1].second.expires_at == at(20));
}

TEST_CASE("a booking's second hold is ignored") {
  HoldSchedule s;
  CHECK(s.add("bkg_a", "biz_1", at(10)));
  CHECK_FALSE(s.add("bkg_a", "biz_1", at(5)));
  CHECK(s.size() == 1);
  CHECK(s.next_due() == at(10));
}

TEST_CASE("a failed expiry is retried later and keeps its original deadline") {
  HoldSchedule s;
  (void)s.add("bkg_a", "biz_1", at(10));
  (void)s.add("bkg_b", "biz_1", at(12));
  s.retry_at("bkg_a", at(15));
  CHECK(s.next_due() == at(12));
  CHECK(ids(s.due(at(14))) == std::vector<std::string>{"bkg_b"});
  const auto due = s.due(at(15));
  REQUIRE(ids(due) == std::vector<std::string>{"bkg_b", "bkg_a"});
  CHECK(due[1].second.expires_at == at(10));
  CHECK(due[1].second.due_at == at(15));
  // An earlier retry never makes a hold due sooner.
  s.retry_at("bkg_a", at(11));
  CHECK(s.due(at(14)).size() == 1);
}

TEST_CASE("removing a hold removes its deadline and any retry") {
  HoldSchedule s;
  (void)s.add("bkg_a", "biz_1", at(10));
  s.retry_at("bkg_a", at(15));
  s.remove("bkg_a");
  CHECK(s.size() == 0);
  CHECK_FALSE(s.next_due().has_value());
  CHECK(s.due(at(100)).empty());
  // Unknown bookings: nothing happens.
  s.remove("bkg_nope");
  s.retry_at("bkg_nope", at(20));
  CHECK(s.size() == 0);
  // Held again later (a new hold for the same id) starts from its own deadline.
  CHECK(s.add("bkg_a", "biz_1", at(40)));
  CHECK(s.next_due() == at(40));
}
