// Shared by the projection and query-API integration tests: a real
// nats-server with the event log, a real PostgreSQL cluster, databases for
// read models, an in-process projector that can be started and stopped, a
// dump of every read-model table (to compare against a clean rebuild), and
// the event builders of read_side_events.h.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
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
#include "tests/read_side/pipelined_appender.h"
#include "tests/read_side/read_side_events.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {

namespace v1 = slotwise::events::v1;

// A new, empty database `name` on `pg`; its URL (superuser). Also for a
// PostgreSQL started beside a fixture that brings none (CommandFixture).
inline std::string create_database(const PostgresServerFixture& pg, const std::string& name) {
  pqxx::connection c(pg.url());
  pqxx::nontransaction tx(c);
  tx.exec0("CREATE DATABASE " + tx.quote_name(name));
  return pg.url(name);
}

struct ReadSideFixture {
  NatsServerFixture nats;
  PostgresServerFixture pg;
  std::unique_ptr<events::EventStore> store = open_store(nats.url());

  // A new, empty database on the cluster; its URL (superuser).
  [[nodiscard]] std::string create_database(const std::string& name) const {
    return testing::create_database(pg, name);
  }

  // Appends one commit of `events` to <category>/<id>; returns its position.
  template <class Event>
  std::uint64_t append(const std::string& category, const std::string& id,
                       const std::vector<Event>& evs, v1::ActorKind actor = v1::ACTOR_KIND_OWNER) {
    auto res = store->append(request_for(category, id, evs, actor));
    REQUIRE_MESSAGE(res.ok(), (res.ok() ? "" : res.error().describe()));
    return res.value().position;
  }

  // The same without waiting: commits to different aggregates are in
  // flight together, so many reach the log at once. Then drain().
  template <class Event>
  void append_pipelined(const std::string& category, const std::string& id,
                        const std::vector<Event>& evs) {
    if (!pipeline) pipeline = std::make_unique<PipelinedAppender>(*store, "pipelined-");
    pipeline->append(category, id, evs, metadata_for(v1::ACTOR_KIND_OWNER));
  }
  void drain() {
    if (pipeline) REQUIRE(pipeline->drain(std::chrono::seconds(30)));
  }

  [[nodiscard]] std::uint64_t last_position() const {
    auto s = store->state();
    REQUIRE(s.ok());
    return s.value().last_sequence;
  }

  int commit_counter = 0;                       // commit ids of append()
  std::unique_ptr<PipelinedAppender> pipeline;  // of append_pipelined(), made on first use

 private:
  static events::CommitMetadata metadata_for(v1::ActorKind actor) {
    events::CommitMetadata m;
    m.source = "slotwise-test";
    m.actor.set_kind(actor);
    m.actor.set_id("usr_owner");
    return m;
  }

  template <class Event>
  events::AppendRequest request_for(const std::string& category, const std::string& id,
                                    const std::vector<Event>& evs, v1::ActorKind actor) {
    events::AppendRequest r;
    r.aggregate = {category, id};
    r.commit_id = "c" + std::to_string(++commit_counter);
    r.metadata = metadata_for(actor);
    for (const auto& e : evs) {
      auto packed = domain::to_packed(e);
      r.events.push_back(events::PackedEvent{packed.first, packed.second});
    }
    return r;
  }
};

// A projector on its own thread; stopped (cleanly) on destruction.
class RunningProjector {
 public:
  // `adjust` changes the test's options further (batch sizes, deferral).
  RunningProjector(const events::EventStore& store, const std::string& pg_url,
                   const std::string& durable, int catchup_batch = 2000,
                   const std::function<void(projections::ProjectorOptions&)>& adjust = {})
      : logger_("projector-test", service::LogLevel::kWarn) {
    projections::ProjectorOptions o;
    o.pg_url = pg_url;
    o.consumer.durable_name = durable;
    o.fetch.catchup_batch = catchup_batch;
    o.standby_poll = std::chrono::milliseconds(50);
    o.retry_backoff = std::chrono::milliseconds(100);
    if (adjust) adjust(o);
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
      "businesses",        "services",  "calendars",   "date_overrides", "bookings",
      "booking_history",   "customers", "daily_stats", "dead_letters",   "unknown_event_types",
      "aggregate_backlog", "accounts"};
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

}  // namespace slotwise::testing
