// Shared by the projection and query-API integration tests: a real
// nats-server with the event log, a real PostgreSQL cluster, databases for
// read models, an in-process projector that can be started and stopped, a
// dump of every read-model table (to compare against a clean rebuild), and
// builders for the domain events the tests append directly to the log.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "domain/business.h"
#include "domain/calendar.h"
#include "domain/event_conversion.h"
#include "domain/proto_values.h"
#include "events/event_store.h"
#include "projections/projector.h"
#include "service/log.h"
#include "service/metrics.h"
#include "tests/events/store_fixture.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {

namespace v1 = slotwise::events::v1;

struct ReadSideFixture {
  NatsServerFixture nats;
  PostgresServerFixture pg;
  std::unique_ptr<events::EventStore> store = open_store(nats.url());

  // A new, empty database on the cluster; its URL (superuser).
  [[nodiscard]] std::string create_database(const std::string& name) const {
    pqxx::connection c(pg.url());
    pqxx::nontransaction tx(c);
    tx.exec0("CREATE DATABASE " + tx.quote_name(name));
    return pg.url(name);
  }

  // Appends one commit of `events` to <category>/<id>; returns its position.
  template <class Event>
  std::uint64_t append(const std::string& category, const std::string& id,
                       const std::vector<Event>& evs, v1::ActorKind actor = v1::ACTOR_KIND_OWNER) {
    events::AppendRequest r;
    r.aggregate = {category, id};
    r.commit_id = "c" + std::to_string(++commit_counter);
    r.metadata.source = "slotwise-test";
    r.metadata.actor.set_kind(actor);
    r.metadata.actor.set_id("usr_owner");
    for (const auto& e : evs) {
      auto packed = domain::to_packed(e);
      r.events.push_back(events::PackedEvent{packed.first, packed.second});
    }
    auto res = store->append(std::move(r));
    REQUIRE_MESSAGE(res.ok(), (res.ok() ? "" : res.error().describe()));
    return res.value().position;
  }

  [[nodiscard]] std::uint64_t last_position() const {
    auto s = store->state();
    REQUIRE(s.ok());
    return s.value().last_sequence;
  }

  int commit_counter = 0;  // commit ids of append()
};

// A projector on its own thread; stopped (cleanly) on destruction.
class RunningProjector {
 public:
  RunningProjector(const events::EventStore& store, const std::string& pg_url,
                   const std::string& durable, int catchup_batch = 2000)
      : logger_("projector-test", service::LogLevel::kWarn) {
    projections::ProjectorOptions o;
    o.pg_url = pg_url;
    o.consumer.durable_name = durable;
    o.catchup_batch = catchup_batch;
    o.standby_poll = std::chrono::milliseconds(50);
    o.retry_backoff = std::chrono::milliseconds(100);
    projector_ = std::make_unique<projections::Projector>(store, o, logger_, metrics_);
    thread_ = std::thread([this] { projector_->run(); });
  }
  RunningProjector(const RunningProjector&) = delete;
  RunningProjector& operator=(const RunningProjector&) = delete;
  ~RunningProjector() { stop(); }

  void stop() {
    projector_->stop();
    if (thread_.joinable()) thread_.join();
  }
  // Waits (bounded) until the checkpoint reaches `position`.
  bool wait_for(std::uint64_t position,
                std::chrono::milliseconds timeout = std::chrono::seconds(60)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (projector_->position() >= position) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return projector_->position() >= position;
  }
  bool wait_leader(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && !projector_->leader()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return projector_->leader();
  }
  [[nodiscard]] const projections::Projector& projector() const { return *projector_; }
  [[nodiscard]] std::string metrics() const { return metrics_.render(); }

 private:
  service::Logger logger_;
  service::MetricsRegistry metrics_;
  std::unique_ptr<projections::Projector> projector_;
  std::thread thread_;
};

inline const std::vector<std::string>& read_model_tables() {
  static const std::vector<std::string> tables = {
      "businesses",      "services",  "calendars",   "date_overrides", "bookings",
      "booking_history", "customers", "daily_stats", "dead_letters",   "unknown_event_types"};
  return tables;
}

// Every row of every read-model table as text, sorted: equal dumps mean
// equal tables.
inline std::string dump(const std::string& url) {
  pqxx::connection c(url);
  pqxx::read_transaction tx(c);
  std::string out;
  for (const std::string& t : read_model_tables()) {
    out += "== " + t + "\n";
    out += tx.exec1("SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM " + t +
                    " t")[0]
               .c_str();
    out += "\n";
  }
  return out;
}

inline std::int64_t count(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::read_transaction tx(c);
  return tx.exec1(sql)[0].as<std::int64_t>();
}

// --- event builders ---------------------------------------------------------

inline google::protobuf::Timestamp at(std::int64_t unix_seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(unix_seconds);
  return t;
}

inline v1::BookingPolicy policy(int slot, int notice, int horizon, int max_per_day) {
  v1::BookingPolicy p;
  p.set_slot_interval_minutes(slot);
  p.set_min_notice_minutes(notice);
  p.set_horizon_days(horizon);
  p.set_max_bookings_per_day(max_per_day);
  p.set_hold_minutes(15);
  return p;
}

inline domain::BusinessEvent business_created(const std::string& id, const std::string& slug,
                                              const std::string& owner, const std::string& tz,
                                              const v1::BookingPolicy& p) {
  v1::BusinessCreated e;
  e.set_business_id(id);
  e.set_owner_user_id(owner);
  e.set_slug(slug);
  e.mutable_profile()->set_name("Studio " + slug);
  e.mutable_profile()->set_description("A test business");
  e.mutable_profile()->set_contact_email(slug + "@example.com");
  e.set_time_zone(tz);
  e.set_currency("EUR");
  *e.mutable_policy() = p;
  *e.mutable_created_at() = at(1'770'000'000);
  return e;
}

inline domain::BusinessEvent service_defined(const std::string& biz, const std::string& svc,
                                             int duration, int before, int after,
                                             std::int64_t price) {
  v1::ServiceDefined e;
  e.set_business_id(biz);
  e.set_service_id(svc);
  auto* d = e.mutable_definition();
  d->set_name("Service " + svc);
  d->set_duration_minutes(duration);
  d->set_buffer_before_minutes(before);
  d->set_buffer_after_minutes(after);
  d->mutable_price()->set_amount_minor(price);
  d->mutable_price()->set_currency("EUR");
  d->set_payment_mode(v1::PAYMENT_MODE_NONE);
  return e;
}

// days[i] = intervals of weekday i+1 (Monday first), minutes since midnight.
inline domain::CalendarEvent schedule_set(
    const std::string& biz, const std::string& tz,
    const std::vector<std::vector<std::pair<int, int>>>& days) {
  v1::WeeklyScheduleSet e;
  e.set_business_id(biz);
  e.set_time_zone(tz);
  for (std::size_t d = 0; d < days.size() && d < 7; ++d) {
    auto* day = e.add_days();
    day->set_weekday(static_cast<v1::Weekday>(d + 1));
    for (auto [s, en] : days[d]) {
      auto* i = day->add_intervals();
      i->set_start_minute(s);
      i->set_end_minute(en);
    }
  }
  return e;
}

inline domain::CalendarEvent override_set(const std::string& biz, const std::string& tz,
                                          const std::string& date, bool closed,
                                          const std::vector<std::pair<int, int>>& intervals) {
  v1::DateOverrideSet e;
  e.set_business_id(biz);
  e.set_time_zone(tz);
  e.set_local_date(date);
  e.set_closed(closed);
  for (auto [s, en] : intervals) {
    auto* i = e.add_intervals();
    i->set_start_minute(s);
    i->set_end_minute(en);
  }
  return e;
}

inline domain::CalendarEvent booking_created(const std::string& biz, const std::string& bkg,
                                             const std::string& svc, std::int64_t start,
                                             int minutes, const std::string& tz,
                                             const std::string& email, std::int64_t price,
                                             int before = 0, int after = 0,
                                             std::optional<std::int64_t> hold = std::nullopt,
                                             const std::string& token_sha = "") {
  v1::BookingTentativelyCreated e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_service_id(svc);
  *e.mutable_start() = at(start);
  *e.mutable_end() = at(start + 60LL * minutes);
  e.set_buffer_before_minutes(before);
  e.set_buffer_after_minutes(after);
  e.set_time_zone(tz);
  e.mutable_customer()->set_name("Customer " + email);
  e.mutable_customer()->set_email(email);
  e.set_notes("notes of " + bkg);
  e.mutable_price()->set_amount_minor(price);
  e.mutable_price()->set_currency("EUR");
  e.mutable_amount_due()->set_currency("EUR");
  if (hold) *e.mutable_hold_expires_at() = at(*hold);
  e.set_manage_token_sha256(token_sha);
  e.mutable_created_by()->set_kind(v1::ACTOR_KIND_CUSTOMER);
  e.mutable_created_by()->set_id(bkg);
  return e;
}

inline domain::CalendarEvent confirmed(const std::string& biz, const std::string& bkg) {
  v1::BookingConfirmed e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_reason("no_payment_required");
  return e;
}
inline domain::CalendarEvent cancelled(const std::string& biz, const std::string& bkg) {
  v1::BookingCancelled e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.mutable_cancelled_by()->set_kind(v1::ACTOR_KIND_CUSTOMER);
  e.mutable_cancelled_by()->set_id(bkg);
  e.set_reason("changed plans");
  return e;
}
inline domain::CalendarEvent completed(const std::string& biz, const std::string& bkg) {
  v1::BookingCompleted e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  return e;
}
inline domain::CalendarEvent expired(const std::string& biz, const std::string& bkg) {
  v1::BookingExpired e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  return e;
}
inline domain::CalendarEvent no_show(const std::string& biz, const std::string& bkg) {
  v1::BookingMarkedNoShow e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  return e;
}
inline domain::CalendarEvent rescheduled(const std::string& biz, const std::string& bkg,
                                         std::int64_t start, int minutes) {
  v1::BookingRescheduled e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  *e.mutable_start() = at(start);
  *e.mutable_end() = at(start + 60LL * minutes);
  return e;
}

}  // namespace slotwise::testing
