#include "projections/projector.h"

#include <algorithm>
#include <thread>

#include "projections/consumer_reset.h"
#include "projections/migrations.h"
#include "projections/prefetcher.h"

namespace slotwise::projections {
namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Projector::Projector(const events::EventStore& store, ProjectorOptions options,
                     service::Logger& logger, service::MetricsRegistry& metrics)
    : store_(store),
      options_(std::move(options)),
      logger_(logger),
      position_gauge_(metrics
                          .gauge_family("slotwise_projection_position",
                                        "Stream sequence of the last applied commit",
                                        {"projection"})
                          .with({options_.projection})),
      lag_events_(metrics
                      .gauge_family("slotwise_projection_lag_events",
                                    "Commits in the log not yet applied", {"projection"})
                      .with({options_.projection})),
      lag_seconds_(metrics
                       .gauge_family("slotwise_projection_lag_seconds",
                                     "Age of the oldest unapplied commit (whole seconds)",
                                     {"projection"})
                       .with({options_.projection})),
      lag_ms_(metrics
                  .gauge_family("slotwise_projection_lag_milliseconds",
                                "Age of the oldest unapplied commit", {"projection"})
                  .with({options_.projection})),
      leader_gauge_(metrics
                        .gauge_family("slotwise_projection_leader",
                                      "1 while this instance holds the projection's lease",
                                      {"projection"})
                        .with({options_.projection})),
      commits_(metrics
                   .counter_family("slotwise_projection_commits_total", "Commits applied",
                                   {"projection"})
                   .with({options_.projection})),
      events_(metrics
                  .counter_family("slotwise_projection_events_total",
                                  "Events applied to read models", {"projection"})
                  .with({options_.projection})),
      unknown_(metrics
                   .counter_family("slotwise_projection_unknown_events_total",
                                   "Events of unknown types, skipped", {"projection"})
                   .with({options_.projection})),
      dead_letters_(metrics
                        .counter_family("slotwise_projection_dead_letters_total",
                                        "Messages or events that failed to decode", {"projection"})
                        .with({options_.projection})),
      errors_(metrics
                  .counter_family("slotwise_projection_errors_total",
                                  "Sessions ended by an error (then retried)", {"projection"})
                  .with({options_.projection})),
      batch_seconds_(metrics.histogram_family("slotwise_projection_batch_seconds",
                                              "Time to apply and commit one batch",
                                              {"projection", "mode"})) {}

void Projector::stop() { stop_.request(); }

void Projector::pause(std::chrono::milliseconds d) { stop_.wait_for(d); }

void Projector::run() {
  while (!stop_.requested()) {
    session();
    leader_.store(false);
    leader_gauge_.set(0);
    if (!stop_.requested()) pause(options_.retry_backoff);
  }
}

void Projector::session() {
  std::unique_ptr<pqxx::connection> conn;
  auto connected = guarded("connect", [&]() -> common::Unit {
    conn = std::make_unique<pqxx::connection>(options_.pg_url);
    // A batch commits its rows and its checkpoint together, so a commit lost
    // to a PostgreSQL crash is simply applied again: no need to wait for the
    // WAL flush (ADR 0006).
    pqxx::nontransaction tx(*conn);
    tx.exec0("SET synchronous_commit = off");
    // Recomputing the aggregates a catch-up left is one large hash
    // aggregate; the default 4 MB spills it to disk.
    tx.exec0("SET work_mem = '64MB'");
    return common::Unit{};
  });
  if (!connected) {
    errors_.inc();
    logger_.warn("postgres unavailable", {{"error", connected.error().message}});
    return;
  }
  auto migrated = apply_migrations(*conn, embedded_migrations());
  if (!migrated) {
    errors_.inc();
    logger_.error("migrations failed", {{"error", migrated.error().message}});
    return;
  }
  if (migrated.value() > 0) logger_.info("migrations applied", {{"count", migrated.value()}});
  if (!options_.read_only_role.empty()) {
    if (auto r = ensure_read_only_role(*conn, options_.read_only_role); !r) {
      logger_.warn("read-only role not managed", {{"error", r.error().message}});
    }
  }
  BatchApplier applier(options_.projection);
  applier.set_notify_changes(true);
  if (auto p = applier.prepare(*conn); !p) {
    errors_.inc();
    logger_.error("prepare failed", {{"error", p.error().message}});
    return;
  }
  // The lease: standby until the advisory lock is ours.
  bool announced = false;
  while (!stop_.requested()) {
    auto got = guarded("lease", [&]() -> bool {
      pqxx::nontransaction tx(*conn);
      return tx
          .exec_params1("SELECT pg_try_advisory_lock(hashtext('slotwise-projector'), hashtext($1))",
                        options_.projection)[0]
          .as<bool>();
    });
    if (!got) {
      errors_.inc();
      logger_.warn("lease check failed", {{"error", got.error().message}});
      return;
    }
    if (got.value()) break;
    if (!announced) {
      logger_.info("standby: another instance holds the lease",
                   {{"projection", options_.projection}});
      announced = true;
    }
    pause(options_.standby_poll);
  }
  if (stop_.requested()) return;
  logger_.info("lease acquired", {{"projection", options_.projection}});
  while (!stop_.requested()) {
    if (!consume(*conn, applier)) return;
  }
}

// One consumer life: positioned at checkpoint + 1; returns true to
// reposition (gap), false to end the session (error or stop).
bool Projector::consume(pqxx::connection& conn, BatchApplier& applier) {
  // Read here, as the lease holder, not when the connection was prepared:
  // while this instance stood by, the previous holder may have left a
  // catch-up's aggregates unfinished (its mark in aggregate_backlog), and a
  // rebuild's swap replaces the tables.
  if (auto r = applier.resume(conn); !r) {
    errors_.inc();
    logger_.warn("aggregate state unreadable", {{"error", r.error().message}});
    return false;
  }
  auto cp = applier.checkpoint(conn);
  if (!cp) {
    errors_.inc();
    logger_.warn("checkpoint unreadable", {{"error", cp.error().message}});
    return false;
  }
  position_.store(cp.value().position);
  position_gauge_.set(static_cast<std::int64_t>(cp.value().position));
  if (cp.value().position == 0) {
    // From the start (first run, or after a reset): the first commit must
    // be the log's first, or another session took some (batch_applier.h).
    auto state = store_.state();
    if (!state) {
      errors_.inc();
      logger_.warn("stream state unreadable", {{"error", state.error().describe()}});
      return false;
    }
    applier.set_log_start(std::max<std::uint64_t>(state->first_sequence, 1));
  }
  auto sub = open_consumer_at(store_, options_.consumer, cp.value().position + 1);
  if (!sub) {
    errors_.inc();
    logger_.warn("consumer unavailable", {{"error", sub.error().describe()}});
    return false;
  }
  leader_.store(true);
  leader_gauge_.set(1);
  logger_.info("consuming",
               {{"projection", options_.projection}, {"from_sequence", cp.value().position + 1}});
  Prefetcher prefetcher(*sub.value(), options_.fetch);
  while (!stop_.requested()) {
    PrefetchedBatch fetched = prefetcher.next();
    auto& batch = fetched.deliveries;
    if (!batch) {
      errors_.inc();
      logger_.warn("fetch failed", {{"error", batch.error().describe()}});
      return false;
    }
    if (batch.value().empty()) {
      const Idle idle = on_idle(conn, applier);
      if (idle == Idle::kCarryOn) continue;
      return idle == Idle::kReposition;
    }
    const auto t0 = std::chrono::steady_clock::now();
    // Defer daily stats and customers only while many events follow this
    // batch: the batch that brings the projection near the head works the
    // backlog off in its own transaction, so reaching the head always means
    // fresh aggregates.
    const bool behind = batch.value().back().num_pending > options_.defer_aggregates_after;
    auto out = applier.apply(conn, batch.value(), behind, &fetched.effects);
    if (!out) {
      errors_.inc();
      logger_.error("batch failed", {{"error", out.error().message}});
      return false;  // nothing acknowledged: redelivered after repositioning
    }
    for (std::size_t i = 0; i < out.value().handled; ++i) {
      if (auto a = events::DurableSubscription::ack(batch.value()[i]); !a) {
        // Harmless: the checkpoint makes a redelivery a no-op.
        logger_.warn("ack failed", {{"error", a.error().describe()}});
        break;
      }
    }
    const events::Delivery& last =
        batch.value()[out.value().handled == 0 ? 0 : out.value().handled - 1];
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    record(out.value(), last.num_pending, last.timestamp_ns, fetched.catchup, secs);
    if (out.value().gap) {
      logger_.warn("gap in deliveries: repositioning the consumer",
                   {{"checkpoint", out.value().checkpoint.position}});
      return true;
    }
  }
  return false;
}

// Caught up: zero lag; has an admin moved the checkpoint (projections
// rebuild/reset, ADR 0010)? One indexed row read; also notices a lost
// connection.
Projector::Idle Projector::on_idle(pqxx::connection& conn, BatchApplier& applier) {
  lag_events_.set(0);
  lag_seconds_.set(0);
  lag_ms_.set(0);
  auto now = applier.checkpoint(conn);
  if (!now) {
    errors_.inc();
    logger_.warn("checkpoint unreadable", {{"error", now.error().message}});
    return Idle::kFail;
  }
  if (now.value().position != position_.load()) {
    logger_.info("checkpoint moved by an admin: repositioning the consumer",
                 {{"checkpoint", now.value().position}});
    return Idle::kReposition;
  }
  if (applier.backlog()) {
    // Caught up right after catching up: bring daily stats and customers
    // up to date now rather than with the next event.
    auto worked = applier.work_off_backlog(conn);
    if (!worked) {
      errors_.inc();
      logger_.warn("aggregate backlog not worked off", {{"error", worked.error().message}});
      return Idle::kFail;
    }
  }
  return Idle::kCarryOn;
}

void Projector::record(const BatchOutcome& out, std::uint64_t pending, std::int64_t last_time_ns,
                       bool catchup, double seconds) {
  position_.store(out.checkpoint.position);
  position_gauge_.set(static_cast<std::int64_t>(out.checkpoint.position));
  commits_.inc(out.applied_commits);
  events_.inc(out.events_applied);
  unknown_.inc(out.unknown_events);
  dead_letters_.inc(out.dead_letters);
  if (out.dead_letters > 0) {
    logger_.warn("dead letters recorded", {{"count", out.dead_letters}});
  }
  batch_seconds_.with({options_.projection, catchup ? "catchup" : "live"}).observe(seconds);
  lag_events_.set(static_cast<std::int64_t>(pending));
  const std::int64_t lag_ns = pending == 0 ? 0 : std::max<std::int64_t>(0, now_ns() - last_time_ns);
  lag_ms_.set(lag_ns / 1'000'000);
  lag_seconds_.set(lag_ns / 1'000'000'000);
}

}  // namespace slotwise::projections
