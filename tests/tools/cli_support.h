// Shared by the CLI's integration tests: running the built `slotwise` binary
// (SLOTWISE_CLI_PATH) and seeding a real nats-server with a small, realistic
// log: an account, a business, its calendar with two bookings (one created,
// confirmed, then cancelled by its owner), and a payment.
//
// Thread safety: none (test code). Errors: REQUIRE failures end the test.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "events/event_store.h"
#include "slotwise/events/v1/account.pb.h"
#include "slotwise/events/v1/business.pb.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/payment.pb.h"
#include "tests/events/store_fixture.h"
#include "tests/support/process.h"

namespace slotwise::testing {

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr together
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline CliRun cli(const std::vector<std::string>& args) {
  TempDir dir("slotwise-cli");
  const std::string log = dir.path() + "/out";
  std::vector<std::string> argv = {SLOTWISE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  CliRun r;
  r.code = run_command(argv, log);
  r.out = read_file(log);
  return r;
}

// Runs the CLI with its standard output on /dev/full, where every write
// fails (ENOSPC); `out` holds what it wrote to stderr.
inline CliRun cli_to_full_device(const std::vector<std::string>& args) {
  TempDir dir("slotwise-cli");
  const std::string log = dir.path() + "/err";
  std::vector<std::string> argv = {"/bin/sh", "-c", R"(exec "$0" "$@" >/dev/full)",
                                   SLOTWISE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  CliRun r;
  r.code = run_command(argv, log);
  r.out = read_file(log);
  return r;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (contains(line, needle)) ++n;
  }
  return n;
}

namespace v1 = slotwise::events::v1;

inline v1::Actor actor(v1::ActorKind kind, const std::string& id) {
  v1::Actor a;
  a.set_kind(kind);
  a.set_id(id);
  return a;
}

inline google::protobuf::Timestamp ts(std::int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// Appends one commit of `events` to category/id as `who`; returns its sequence.
inline std::uint64_t append(events::EventStore& store, const std::string& category,
                            const std::string& id, std::vector<events::PackedEvent> events,
                            const v1::Actor& who, const std::string& commit_id) {
  events::AppendRequest r;
  r.aggregate = {category, id};
  r.commit_id = commit_id;
  r.events = std::move(events);
  r.metadata.source = "slotwise-test";
  r.metadata.correlation_id = "corr-" + commit_id;
  r.metadata.causation_id = "cmd-" + commit_id;
  r.metadata.actor = who;
  auto res = store.append(std::move(r));
  REQUIRE_MESSAGE(res.ok(), (res.ok() ? "" : res.error().describe()));
  return res.value().position;
}

inline v1::BookingTentativelyCreated booking_created(const std::string& booking_id,
                                                     std::int64_t start) {
  v1::BookingTentativelyCreated e;
  e.set_booking_id(booking_id);
  e.set_business_id("biz_1");
  e.set_service_id("svc_cut");
  *e.mutable_start() = ts(start);
  *e.mutable_end() = ts(start + 1800);
  e.set_time_zone("Europe/Berlin");
  e.mutable_customer()->set_name("Ada Customer");
  e.mutable_customer()->set_email("ada@example.com");
  e.mutable_price()->set_amount_minor(4500);
  e.mutable_price()->set_currency("EUR");
  e.mutable_amount_due()->set_amount_minor(4500);
  e.mutable_amount_due()->set_currency("EUR");
  *e.mutable_hold_expires_at() = ts(start - 86400);
  *e.mutable_created_by() = actor(v1::ACTOR_KIND_CUSTOMER, booking_id);
  return e;
}

// Sequences of the seeded log, for assertions.
struct SeededLog {
  std::uint64_t account = 0;            // UserRegistered usr_1
  std::uint64_t business = 0;           // BusinessCreated biz_1
  std::uint64_t schedule = 0;           // calendar biz_1: WeeklyScheduleSet
  std::uint64_t booking_created = 0;    // calendar biz_1: bkg_1 tentative
  std::uint64_t payment = 0;            // payment bkg_1: PaymentSucceeded
  std::uint64_t booking_confirmed = 0;  // calendar biz_1: bkg_1 confirmed
  std::uint64_t other_booking = 0;      // calendar biz_1: bkg_2 tentative
  std::uint64_t booking_cancelled = 0;  // calendar biz_1: bkg_1 cancelled by the owner
};

inline SeededLog seed_log(events::EventStore& store) {
  SeededLog s;
  const std::int64_t start = 1798794000;  // 2027-01-01T09:00:00Z, a Friday
  v1::UserRegistered user;
  user.set_user_id("usr_1");
  user.set_email("owner@example.com");
  user.set_name("Olga Owner");
  user.set_password_hash("$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA");
  *user.mutable_registered_at() = ts(start - 10LL * 86400);
  const auto system = actor(v1::ACTOR_KIND_SYSTEM, "signup");
  s.account = append(store, "account", "usr_1", {events::pack(user)}, system, "c-user");

  const auto owner = actor(v1::ACTOR_KIND_OWNER, "usr_1");
  v1::BusinessCreated biz;
  biz.set_business_id("biz_1");
  biz.set_owner_user_id("usr_1");
  biz.set_slug("olgas-salon");
  biz.mutable_profile()->set_name("Olga's Salon");
  biz.set_time_zone("Europe/Berlin");
  biz.set_currency("EUR");
  biz.mutable_policy()->set_slot_interval_minutes(30);
  biz.mutable_policy()->set_horizon_days(90);
  biz.mutable_policy()->set_hold_minutes(15);
  *biz.mutable_created_at() = ts(start - 9LL * 86400);
  s.business = append(store, "business", "biz_1", {events::pack(biz)}, owner, "c-biz");

  v1::WeeklyScheduleSet sched;
  sched.set_business_id("biz_1");
  sched.set_time_zone("Europe/Berlin");
  for (int d = 1; d <= 7; ++d) {
    auto* day = sched.add_days();
    day->set_weekday(static_cast<v1::Weekday>(d));
    if (d <= 5) {
      auto* i = day->add_intervals();
      i->set_start_minute(9 * 60);
      i->set_end_minute(17 * 60);
    }
  }
  s.schedule = append(store, "calendar", "biz_1", {events::pack(sched)}, owner, "c-sched");

  const auto customer = actor(v1::ACTOR_KIND_CUSTOMER, "bkg_1");
  s.booking_created = append(store, "calendar", "biz_1",
                             {events::pack(booking_created("bkg_1", start))}, customer, "c-b1");

  v1::PaymentSucceeded paid;
  paid.set_booking_id("bkg_1");
  paid.set_business_id("biz_1");
  paid.set_payment_intent_id("pi_1");
  paid.mutable_amount()->set_amount_minor(4500);
  paid.mutable_amount()->set_currency("EUR");
  paid.set_provider_event_id("evt_stripe_1");
  const auto stripe = actor(v1::ACTOR_KIND_PAYMENT_PROVIDER, "stripe");
  s.payment = append(store, "payment", "bkg_1", {events::pack(paid)}, stripe, "c-pay1");

  v1::BookingConfirmed confirmed;
  confirmed.set_booking_id("bkg_1");
  confirmed.set_business_id("biz_1");
  confirmed.set_reason("payment_succeeded");
  *confirmed.mutable_confirmed_by() = stripe;
  s.booking_confirmed =
      append(store, "calendar", "biz_1", {events::pack(confirmed)}, stripe, "c-b1-confirm");

  s.other_booking =
      append(store, "calendar", "biz_1", {events::pack(booking_created("bkg_2", start + 3600))},
             actor(v1::ACTOR_KIND_CUSTOMER, "bkg_2"), "c-b2");

  v1::BookingCancelled cancelled;
  cancelled.set_booking_id("bkg_1");
  cancelled.set_business_id("biz_1");
  cancelled.set_reason("owner ill");
  *cancelled.mutable_cancelled_by() = owner;
  s.booking_cancelled =
      append(store, "calendar", "biz_1", {events::pack(cancelled)}, owner, "c-b1-cancel");
  return s;
}

}  // namespace slotwise::testing
