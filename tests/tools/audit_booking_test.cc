// `slotwise audit booking` against a real nats-server: one booking's full
// history across its calendar and payment aggregates — who did what and
// when — as text and JSON; unknown and invalid ids; undecodable commits and
// events reported, with exit 1.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "tests/tools/cli_support.h"

using slotwise::testing::cli;
using slotwise::testing::contains;
using slotwise::testing::count_lines;

TEST_CASE("audit booking shows who did what and when") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();

  auto text = cli({url, "audit", "booking", "bkg_1"});
  CHECK(text.code == 0);
  CHECK(contains(text.out, "booking bkg_1: 4 events, status cancelled"));
  CHECK(contains(text.out, "seq " + std::to_string(seeded.booking_created) +
                               "  customer:bkg_1  BookingTentativelyCreated"));
  CHECK(contains(text.out, "seq " + std::to_string(seeded.payment) +
                               "  payment_provider:stripe  PaymentSucceeded"));
  CHECK(contains(text.out, "seq " + std::to_string(seeded.booking_confirmed) +
                               "  payment_provider:stripe  BookingConfirmed"));
  CHECK(contains(text.out, "seq " + std::to_string(seeded.booking_cancelled) +
                               "  owner:usr_1  BookingCancelled"));
  CHECK(contains(text.out, R"("reason":"owner ill")"));
  CHECK_FALSE(contains(text.out, "bkg_2"));

  auto json = cli({url, "--json", "audit", "booking", "bkg_1", "--business", "biz_1"});
  CHECK(json.code == 0);
  CHECK(contains(json.out, R"({"booking_id":"bkg_1","status":"cancelled","events":[)"));
  CHECK(count_lines(json.out, R"("type":"slotwise.events.v1.BookingCancelled")") == 1);

  auto other = cli({url, "audit", "booking", "bkg_2"});
  CHECK(other.code == 0);
  CHECK(contains(other.out, "booking bkg_2: 1 events, status tentative"));
}

TEST_CASE("audit booking: unknown and invalid ids exit non-zero with a message") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();
  auto unknown = cli({url, "audit", "booking", "bkg_nobody"});
  CHECK(unknown.code == 1);
  CHECK(contains(unknown.out, "no events mention booking 'bkg_nobody'"));
  CHECK(cli({url, "audit", "booking", "bkg_nobody", "--business", "biz_1"}).code == 1);
  CHECK(cli({url, "audit", "booking", "bkg.1"}).code == 2);
  CHECK(cli({url, "audit", "booking"}).code == 2);
}

TEST_CASE("audit booking warns about an undecodable commit and exits 1") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  const auto garbage = slotwise::testing::publish_raw(*f.store, "sw.evt.calendar.biz_1");
  auto audited = cli({"--nats=" + f.nats.url(), "audit", "booking", "bkg_1"});
  CHECK(audited.code == 1);
  CHECK(contains(audited.out, "booking bkg_1: 4 events, status cancelled"));
  CHECK(count_lines(audited.out, "slotwise: skipping undecodable commit: ") == 1);
  CHECK(contains(audited.out,
                 "(subject=sw.evt.calendar.biz_1, sequence=" + std::to_string(garbage) + ")"));
  CHECK(contains(audited.out,
                 "slotwise: history incomplete: 1 undecodable commit(s) or event(s) skipped"));
}

TEST_CASE("audit booking warns about an undecodable event and exits 1") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  const auto bad = slotwise::testing::append_undecodable(*f.store, "biz_1");
  auto audited = cli({"--nats=" + f.nats.url(), "--json", "audit", "booking", "bkg_1"});
  CHECK(audited.code == 1);
  CHECK(contains(audited.out, R"({"booking_id":"bkg_1","status":"cancelled","events":[)"));
  CHECK(contains(audited.out, "slotwise: skipping undecodable event 0 of the commit at sequence " +
                                  std::to_string(bad) + " (sw.evt.calendar.biz_1): "));
  CHECK(contains(audited.out,
                 "slotwise: history incomplete: 1 undecodable commit(s) or event(s) skipped"));
}

TEST_CASE("audit booking --json escapes a booking id with a quote") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  const std::string id = "bkg_\"q";
  slotwise::testing::append(
      *f.store, "calendar", "biz_1",
      {slotwise::events::pack(slotwise::testing::booking_created(id, 0))},
      slotwise::testing::actor(slotwise::testing::v1::ACTOR_KIND_CUSTOMER, id), "c-q");
  auto json = cli({"--nats=" + f.nats.url(), "--json", "audit", "booking", id});
  CHECK(json.code == 0);
  rapidjson::Document doc;
  doc.Parse(json.out.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(std::string(doc["booking_id"].GetString()) == id);
  CHECK(std::string(doc["status"].GetString()) == "tentative");
  CHECK(doc["events"].Size() == 1);
}
