// Shared by the `slotwise projections` tests: a read side on real servers
// (ReadSideFixture), a varied log (businesses, services, schedules,
// overrides, bookings that are confirmed, cancelled, rescheduled,
// completed), appended pipelined, and running the CLI against it.
//
// Thread safety: none (test code). Errors: REQUIRE failures end the test.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "projections/change_notice.h"
#include "tests/read_side/read_side_fixture.h"
#include "tests/tools/cli_support.h"

namespace slotwise::testing {

// The CLI against the fixture's servers and read-model database `db`.
inline CliRun projections_cli(const ReadSideFixture& f, const std::string& db,
                              std::vector<std::string> args) {
  std::vector<std::string> argv = {"--nats", f.nats.url(), "--pg", db, "projections"};
  argv.insert(argv.end(), args.begin(), args.end());
  return cli(argv);
}

// The same at a terminal: util-linux `script` gives the CLI a pseudo-terminal
// as stdin and stderr, and `typed` (plus a newline) is what the admin types.
inline CliRun projections_cli_at_terminal(const ReadSideFixture& f, const std::string& db,
                                          const std::vector<std::string>& args,
                                          const std::string& typed) {
  std::string command = std::string("'") + SLOTWISE_CLI_PATH + "' --nats '" + f.nats.url() +
                        "' --pg '" + db + "' projections";
  for (const std::string& a : args) command += " '" + a + "'";
  TempDir dir("slotwise-cli");
  const std::string log = dir.path() + "/out";
  CliRun r;
  r.code = run_command(
      {"/bin/sh", "-c", "printf '%s\\n' \"$0\" | script -qec \"$1\" /dev/null", typed, command},
      log);
  r.out = read_file(log);
  return r;
}

inline events::AppendRequest request_of(const std::string& category, const std::string& id,
                                        const std::string& commit_id,
                                        const std::vector<domain::PackedEvent>& evs) {
  events::AppendRequest r;
  r.aggregate = {category, id};
  r.commit_id = commit_id;
  r.metadata.source = "slotwise-test";
  r.metadata.actor.set_kind(v1::ACTOR_KIND_OWNER);
  r.metadata.actor.set_id("usr_owner");
  for (const auto& [type, bytes] : evs) r.events.push_back(events::PackedEvent{type, bytes});
  return r;
}

// Appends booking commits first..first+bookings-1, pipelined (preceded by 3
// businesses with services, schedules and an override when first == 0);
// returns the stream's last position.
inline std::uint64_t append_bookings(ReadSideFixture& f, int first, int bookings) {
  std::atomic<int> failed{0};
  auto send = [&](events::AppendRequest r) {
    f.store->append_async(std::move(r), [&](const auto& res) {
      if (!res) failed.fetch_add(1);
    });
  };
  if (first == 0) {
    for (int b = 0; b < 3; ++b) {
      const std::string biz = "biz_p" + std::to_string(b);
      const std::string tz = b == 1 ? "America/New_York" : "Europe/Berlin";
      send(request_of("business", biz, "c-" + biz,
                      domain::to_packed(std::vector<domain::BusinessEvent>{
                          business_created(biz, "proj-" + biz, "usr_p", tz, policy(15, 0, 60, 0)),
                          service_defined(biz, "svc", 45, 5, 10, 3500)})));
      send(request_of("calendar", biz, "c-sched-" + biz,
                      domain::to_packed(std::vector<domain::CalendarEvent>{
                          schedule_set(biz, tz, {{{540, 1020}}, {{540, 1020}}, {}, {}, {}, {}, {}}),
                          override_set(biz, tz, "2026-12-24", true, {})})));
    }
  }
  for (int i = first; i < first + bookings; ++i) {
    const std::string biz = "biz_p" + std::to_string(i % 3);
    const std::string bkg = "bkg_p" + std::to_string(i);
    const std::string tz = i % 3 == 1 ? "America/New_York" : "Europe/Berlin";
    const std::int64_t start = 1'790'000'000 + static_cast<std::int64_t>(i) * 1800;
    std::vector<domain::CalendarEvent> evs = {booking_created(
        biz, bkg, "svc", start, 45, tz, "c" + std::to_string(i % 40) + "@example.com", 3500)};
    switch (i % 5) {
      case 0:
        evs.push_back(confirmed(biz, bkg));
        break;
      case 1:
        evs.push_back(confirmed(biz, bkg));
        evs.push_back(completed(biz, bkg));
        break;
      case 2:
        evs.push_back(cancelled(biz, bkg));
        break;
      case 3:
        evs.push_back(rescheduled(biz, bkg, start + 86400, 45));
        break;
      default:
        break;
    }
    send(request_of("calendar", biz, "c-" + bkg, domain::to_packed(evs)));
  }
  REQUIRE(f.store->drain(std::chrono::minutes(2)));
  REQUIRE(failed.load() == 0);
  return f.last_position();
}

// OID of public.<table>: changes when a rebuild swaps the table.
inline std::int64_t table_oid(const std::string& db, const std::string& table) {
  return count(db, "SELECT 'public." + table + "'::regclass::oid::bigint");
}

// Waits (bounded) until projection main's checkpoint in `db` is `position`.
inline bool wait_checkpoint(const std::string& db, std::uint64_t position,
                            std::chrono::seconds timeout = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string sql =
      "SELECT coalesce((SELECT position FROM projection_checkpoints WHERE projection='main'), 0)";
  while (std::chrono::steady_clock::now() < deadline) {
    if (count(db, sql) == static_cast<std::int64_t>(position)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return count(db, sql) == static_cast<std::int64_t>(position);
}

// Records the change notices (projections/change_notice.h) sent in `db`
// from its construction on.
class NoticeRecorder {
 public:
  explicit NoticeRecorder(const std::string& db) : conn_(db), receiver_(conn_, *this) {}

  // Waits (bounded) until a notice for which match(payload) holds arrived.
  template <class Match>
  [[nodiscard]] bool wait_for(Match match,
                              std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::find_if(seen_.begin(), seen_.end(), match) == seen_.end()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      (void)conn_.await_notification(0, 50'000);
    }
    return true;
  }
  [[nodiscard]] const std::vector<std::string>& seen() const { return seen_; }

 private:
  struct Receiver final : pqxx::notification_receiver {
    Receiver(pqxx::connection& c, NoticeRecorder& r)
        : pqxx::notification_receiver(c, projections::kChangeChannel), recorder(r) {}
    void operator()(const std::string& payload, int /*pid*/) override {
      recorder.seen_.push_back(payload);
    }
    NoticeRecorder& recorder;
  };
  pqxx::connection conn_;
  std::vector<std::string> seen_;
  Receiver receiver_;
};

// The rows of a clean projection of the whole log into a new database.
inline std::string clean_rebuild_dump(ReadSideFixture& f, const std::string& name) {
  const std::string db = f.create_database(name);
  RunningProjector p(*f.store, db, "projector-" + name);
  REQUIRE(p.wait_for(f.last_position(), std::chrono::seconds(120)));
  return dump(db);
}

}  // namespace slotwise::testing
