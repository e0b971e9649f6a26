// While `slotwise projections rebuild main` replays and swaps the tables,
// readers hammer the real query API (HTTP, read-only role, live projector
// running): not one request fails or sees empty data, and many are served
// both during the rebuild and after the swap.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/query-api/query_fixture.h"
#include "tests/tools/projections_support.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(QueryFixture, "no query fails while a rebuild swaps the tables") {
  append_bookings(*this, 0, 3000);
  sync();
  const std::int64_t bookings_oid = table_oid(db, "bookings");

  struct Probe {
    std::string path;
    std::string want;  // expected in the body
    bool owner = false;
  };
  const std::vector<Probe> probes = {
      {"/v1/businesses/proj-biz_p0", "proj-biz_p0"},
      {"/v1/businesses/biz_p1/bookings", "bkg_p", true},
      {"/v1/businesses/biz_p2/stats?from=2026-09-01&to=2026-10-31", "confirmed", true},
      {"/v1/businesses/proj-biz_p0/availability?service_id=svc&from=2026-05-25&to=2026-05-31",
       "days"},
  };
  std::atomic<bool> stop{false};
  std::atomic<bool> cli_done{false};
  std::atomic<long> during{0};
  std::atomic<long> after{0};
  std::atomic<long> failed{0};
  std::mutex mu;
  std::string first_failure;
  auto reader = [&](std::size_t k) {
    httplib::Client c("127.0.0.1", server->port());
    c.set_tcp_nodelay(true);
    c.set_read_timeout(std::chrono::seconds(10));
    const httplib::Headers owner = {{"Authorization", "Bearer " + token_for("usr_p")}};
    for (std::size_t i = k; !stop.load(); ++i) {
      const Probe& p = probes[i % probes.size()];
      auto r = c.Get(p.path, p.owner ? owner : httplib::Headers{});
      if (r && r->status == 200 && contains(r->body, p.want)) {
        (cli_done.load() ? after : during).fetch_add(1);
        continue;
      }
      failed.fetch_add(1);
      const std::lock_guard<std::mutex> lock(mu);
      if (first_failure.empty()) {
        first_failure =
            p.path + ": " +
            (r ? std::to_string(r->status) + " " + r->body : std::string("no response"));
      }
    }
  };
  std::vector<std::thread> readers;
  for (std::size_t k = 0; k < 3; ++k) readers.emplace_back(reader, k);

  const std::uint64_t invalidations_before = cache.stats().invalidations;
  const CliRun r = projections_cli(*this, db, {"rebuild", "main", "--batch", "200"});
  cli_done.store(true);
  // The swap told the query API's cache that everything changed.
  // (The rebuild's shadow replay announces nothing: its rows are not read.)
  REQUIRE(eventually([&] { return cache.stats().invalidations > invalidations_before; }));
  CHECK(cache.stats().invalidations == invalidations_before + 1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (after.load() < 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.store(true);
  for (auto& t : readers) t.join();

  REQUIRE_MESSAGE(r.code == 0, r.out);
  CHECK(table_oid(db, "bookings") != bookings_oid);  // the tables were swapped
  CHECK_MESSAGE(failed.load() == 0, first_failure);
  MESSAGE("requests during the rebuild: " << during.load() << ", after the swap: " << after.load());
  CHECK(during.load() >= 100);
  CHECK(after.load() >= 50);
}

}  // namespace slotwise::testing
