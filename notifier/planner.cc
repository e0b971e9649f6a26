#include "notifier/planner.h"

#include <nats/nats.h>

#include <algorithm>
#include <memory>

#include "notifier/notifier_migrations.h"
#include "notifier/outbox_retention.h"
#include "projections/consumer_reset.h"
#include "projections/migrations.h"

namespace slotwise::notifier {
namespace {

std::string raw_bytes(const events::Delivery& d) {
  if (!d.msg) return {};
  const char* data = natsMsg_GetData(d.msg.get());
  const int len = natsMsg_GetDataLength(d.msg.get());
  if (data == nullptr || len <= 0) return {};
  return {data, static_cast<std::size_t>(len)};
}

// The trace id of the writer's traceparent header ("" when absent).
std::string trace_id_of(const events::Delivery& d) {
  if (!d.msg) return {};
  const char* value = nullptr;
  if (natsMsgHeader_Get(d.msg.get(), "traceparent", &value) != NATS_OK || value == nullptr) {
    return {};
  }
  const std::string_view tp(value);
  return tp.size() >= 35 ? std::string(tp.substr(3, 32)) : std::string();
}

}  // namespace

Planner::Planner(const events::EventStore& store, PlannerOptions options, service::Logger& logger,
                 service::MetricsRegistry& metrics)
    : store_(store),
      options_(std::move(options)),
      logger_(logger),
      position_gauge_(metrics.gauge("slotwise_notifier_position",
                                    "Stream sequence of the last planned commit")),
      planned_(metrics.counter("slotwise_notifier_planned_total", "Notifications planned")),
      cancelled_(metrics.counter("slotwise_notifier_cancelled_total",
                                 "Planned reminders cancelled (booking changed)")),
      dead_letters_(metrics.counter("slotwise_notifier_dead_letters_total",
                                    "Messages or events that failed to decode")),
      errors_(metrics.counter("slotwise_notifier_planner_errors_total",
                              "Planner sessions ended by an error (then retried)")),
      pruned_(metrics.counter("slotwise_notifier_pruned_total",
                              "Done outbox rows deleted after the retention")) {}

void Planner::maybe_prune(pqxx::connection& conn) {
  if (options_.retention.count() <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (last_prune_ && now - *last_prune_ < options_.prune_every) return;
  last_prune_ = now;
  auto deleted = prune_outbox(conn, options_.retention);
  if (!deleted) {
    logger_.warn("outbox pruning failed", {{"error", deleted.error().message}});
    return;
  }
  pruned_.inc(deleted.value());
  if (deleted.value() > 0) logger_.info("outbox pruned", {{"rows", deleted.value()}});
}

projections::Result<std::uint64_t> Planner::read_checkpoint(pqxx::connection& conn,
                                                            const char* what) const {
  return projections::guarded(what, [&]() -> std::uint64_t {
    pqxx::read_transaction tx(conn);
    return tx
        .exec_params1("SELECT position FROM notifier_checkpoints WHERE consumer = $1",
                      options_.consumer.durable_name)[0]
        .as<std::uint64_t>();
  });
}

bool Planner::checkpoint_readable(pqxx::connection& conn) {
  auto cp = read_checkpoint(conn, "idle checkpoint read");
  if (cp) return true;
  errors_.inc();
  logger_.warn("postgres unavailable", {{"error", cp.error().message}});
  return false;
}

void Planner::stop() { stop_.request(); }

void Planner::pause(std::chrono::milliseconds d) { stop_.wait_for(d); }

void Planner::run() {
  while (!stop_.requested()) {
    session();
    leader_.store(false);
    if (!stop_.requested()) pause(options_.retry_backoff);
  }
}

void Planner::session() {
  std::unique_ptr<pqxx::connection> conn;
  auto connected = projections::guarded("connect", [&]() -> common::Unit {
    conn = std::make_unique<pqxx::connection>(options_.pg_url);
    return common::Unit{};
  });
  if (!connected) {
    errors_.inc();
    logger_.warn("postgres unavailable", {{"error", connected.error().message}});
    return;
  }
  auto migrated = projections::apply_migrations(*conn, notifier_migrations());
  if (!migrated) {
    errors_.inc();
    logger_.error("migrations failed", {{"error", migrated.error().message}});
    return;
  }
  if (migrated.value() > 0) logger_.info("migrations applied", {{"count", migrated.value()}});
  if (!options_.read_only_role.empty()) {
    if (auto r = projections::ensure_read_only_role(*conn, options_.read_only_role); !r) {
      logger_.warn("read-only role not managed", {{"error", r.error().message}});
    }
  }
  auto ready = projections::guarded("checkpoint row", [&]() -> common::Unit {
    pqxx::work tx(*conn);
    tx.exec_params("INSERT INTO notifier_checkpoints (consumer) VALUES ($1) ON CONFLICT DO NOTHING",
                   options_.consumer.durable_name);
    tx.commit();
    return common::Unit{};
  });
  if (!ready) {
    errors_.inc();
    logger_.warn("checkpoint row not created", {{"error", ready.error().message}});
    return;
  }
  bool announced = false;
  while (!stop_.requested()) {
    auto got = projections::guarded("lease", [&]() -> bool {
      pqxx::nontransaction tx(*conn);
      return tx
          .exec_params1("SELECT pg_try_advisory_lock(hashtext('slotwise-notifier'), hashtext($1))",
                        options_.consumer.durable_name)[0]
          .as<bool>();
    });
    if (!got) {
      errors_.inc();
      logger_.warn("lease check failed", {{"error", got.error().message}});
      return;
    }
    if (got.value()) break;
    if (!announced) {
      logger_.info("standby: another notifier holds the lease");
      announced = true;
    }
    pause(options_.standby_poll);
  }
  while (!stop_.requested()) {
    if (!consume(*conn)) return;
  }
}

bool Planner::consume(pqxx::connection& conn) {
  auto cp = read_checkpoint(conn, "read checkpoint");
  if (!cp) {
    errors_.inc();
    logger_.warn("checkpoint unreadable", {{"error", cp.error().message}});
    return false;
  }
  position_.store(cp.value());
  position_gauge_.set(static_cast<std::int64_t>(cp.value()));
  log_start_ = 0;
  if (cp.value() == 0) {
    // From the start: the first commit must be the log's first, or another
    // session of this durable consumer took some (as in the projector).
    auto state = store_.state();
    if (!state) {
      errors_.inc();
      logger_.warn("stream state unreadable", {{"error", state.error().describe()}});
      return false;
    }
    log_start_ = std::max<std::uint64_t>(state->first_sequence, 1);
  }
  auto sub = projections::open_consumer_at(store_, options_.consumer, cp.value() + 1);
  if (!sub) {
    errors_.inc();
    logger_.warn("consumer unavailable", {{"error", sub.error().describe()}});
    return false;
  }
  leader_.store(true);
  logger_.info("planning", {{"from_sequence", cp.value() + 1}});
  while (!stop_.requested()) {
    auto batch = sub.value()->fetch(options_.batch, options_.fetch_timeout);
    if (!batch) {
      errors_.inc();
      logger_.warn("fetch failed", {{"error", batch.error().describe()}});
      return false;
    }
    if (batch.value().empty()) {
      // Idle: one indexed row read, so a PostgreSQL that went away is
      // noticed now (leader() and /readyz turn false, and the session is
      // retried), not with the next event, as the projector's on_idle does.
      if (!checkpoint_readable(conn)) return false;
      maybe_prune(conn);
      continue;
    }
    auto out = apply(conn, batch.value());
    if (!out) {
      errors_.inc();
      logger_.error("planning batch failed", {{"error", out.error().message}});
      return false;
    }
    for (std::size_t i = 0; i < out.value().first; ++i) {
      if (auto a = events::DurableSubscription::ack(batch.value()[i]); !a) break;  // harmless
    }
    if (out.value().second) {
      logger_.warn("gap in deliveries: repositioning the consumer");
      return true;
    }
  }
  return false;
}

projections::Result<std::pair<std::size_t, bool>> Planner::apply(
    pqxx::connection& conn, std::vector<events::Delivery>& batch) {
  PlanEffects fx;
  auto out = projections::guarded("plan batch", [&]() -> std::pair<std::size_t, bool> {
    pqxx::work tx(conn);
    auto position =
        tx.exec_params1("SELECT position FROM notifier_checkpoints WHERE consumer = $1 FOR UPDATE",
                        options_.consumer.durable_name)[0]
            .as<std::uint64_t>();
    const std::uint64_t start = position;
    std::size_t handled = 0;
    bool gap = false;
    PlanWriter writer(tx, options_.plan, fx);
    for (const events::Delivery& d : batch) {
      if (d.sequence <= position) {
        ++handled;
        continue;
      }
      const std::uint64_t expected = position != 0 ? position + 1 : log_start_;
      if (expected != 0 && d.sequence != expected) {
        gap = true;
        break;
      }
      if (d.commit) {
        writer.apply(d.commit.value(), trace_id_of(d));
      } else {
        writer.dead_letter(
            PlanDeadLetter{d.sequence, -1, d.subject, d.commit.error().describe(), raw_bytes(d)});
      }
      position = d.sequence;
      ++handled;
    }
    if (position == start) {
      tx.abort();
      return {handled, gap};
    }
    tx.exec_params(
        "UPDATE notifier_checkpoints SET position = $2, dead_letters = dead_letters + $3"
        " WHERE consumer = $1",
        options_.consumer.durable_name, position, fx.dead_letters.size());
    tx.commit();
    position_.store(position);
    position_gauge_.set(static_cast<std::int64_t>(position));
    return {handled, gap};
  });
  if (out) {
    planned_.inc(fx.planned);
    cancelled_.inc(fx.cancelled);
    dead_letters_.inc(fx.dead_letters.size());
    if (!fx.dead_letters.empty()) {
      logger_.warn("dead letters recorded", {{"count", fx.dead_letters.size()}});
    }
  }
  return out;
}

}  // namespace slotwise::notifier
