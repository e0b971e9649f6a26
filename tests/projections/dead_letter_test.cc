// Nothing is dropped silently: a message that does not decode and an event
// whose bytes do not parse become dead letters naming subject and sequence,
// an event of an unknown type is skipped and counted, and the projector
// carries on with what follows.
#include <doctest/doctest.h>

#include "tests/read_side/read_side_fixture.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(ReadSideFixture, "corrupt and unknown events are dead-lettered or counted") {
  const std::string db = create_database("rm");
  append<domain::BusinessEvent>(
      "business", "biz_d",
      {business_created("biz_d", "dead-d", "usr_d", "Europe/Paris", policy(15, 0, 30, 0))});

  // A message that is not a commit at all.
  const std::uint64_t garbage_seq = publish_raw(*store, "sw.evt.calendar.biz_junk");
  // A commit whose event claims a known type but holds bytes that do not parse.
  const std::uint64_t bad_pos = append_undecodable(*store, "biz_d");

  // Two events of a type this build does not know.
  events::AppendRequest future;
  future.aggregate = {"calendar", "biz_d"};
  future.commit_id = "future";
  future.events.push_back(events::PackedEvent{"slotwise.events.v1.FutureThing", "x"});
  future.events.push_back(events::PackedEvent{"slotwise.events.v1.FutureThing", "y"});
  REQUIRE(store->append(future).ok());

  // And a good event afterwards.
  append<domain::CalendarEvent>(
      "calendar", "biz_d",
      {schedule_set("biz_d", "Europe/Paris", {{{540, 600}}, {}, {}, {}, {}, {}, {}})});

  RunningProjector p(*store, db, "projector-dl");
  REQUIRE(p.wait_for(last_position()));

  pqxx::connection c(db);
  pqxx::read_transaction tx(c);
  const auto letters = tx.exec(
      "SELECT sequence, event_index, subject, error, length(raw) FROM dead_letters ORDER BY 1");
  REQUIRE(letters.size() == 2);
  CHECK(letters[0][0].as<std::uint64_t>() == garbage_seq);
  CHECK(letters[0][1].as<int>() == -1);
  CHECK(letters[0][2].as<std::string>() == "sw.evt.calendar.biz_junk");
  CHECK(letters[0][4].as<std::size_t>() == kGarbage.size());
  CHECK(letters[1][0].as<std::uint64_t>() == bad_pos);
  CHECK(letters[1][1].as<int>() == 0);
  CHECK(letters[1][2].as<std::string>() == "sw.evt.calendar.biz_d");
  CHECK(letters[1][3].as<std::string>().find("BookingConfirmed") != std::string::npos);

  const auto unknown = tx.exec1("SELECT event_type, count FROM unknown_event_types");
  CHECK(unknown[0].as<std::string>() == "slotwise.events.v1.FutureThing");
  CHECK(unknown[1].as<int>() == 2);
  const auto cp =
      tx.exec1("SELECT unknown_events, dead_letters, position FROM projection_checkpoints");
  CHECK(cp[0].as<int>() == 2);
  CHECK(cp[1].as<int>() == 2);
  CHECK(cp[2].as<std::uint64_t>() == last_position());
  // The projection went on past them.
  CHECK(tx.exec1("SELECT count(*) FROM calendars WHERE business_id='biz_d'")[0].as<int>() == 1);
  CHECK(tx.exec1("SELECT count(*) FROM businesses")[0].as<int>() == 1);

  const std::string metrics = p.metrics();
  CHECK(metric_value(metrics, "slotwise_projection_dead_letters_total{projection=\"main\"}") ==
        "2");
  CHECK(metric_value(metrics, "slotwise_projection_unknown_events_total{projection=\"main\"}") ==
        "2");
}

}  // namespace slotwise::testing
