#include "projections/batch_applier.h"

#include <nats/nats.h>

#include "events/commit_codec.h"
#include "projections/change_notice.h"

namespace slotwise::projections {
namespace {

std::string raw_bytes(const events::Delivery& d) {
  if (!d.msg) return {};
  const char* data = natsMsg_GetData(d.msg.get());
  const int len = natsMsg_GetDataLength(d.msg.get());
  if (data == nullptr || len <= 0) return {};
  return {data, static_cast<std::size_t>(len)};
}

}  // namespace

Status BatchApplier::prepare(pqxx::connection& conn) {
  return guarded("prepare projection", [&]() -> common::Unit {
    ReadModelWriter::prepare(conn);
    conn.prepare("checkpoint_read",
                 "SELECT position, coalesce((extract(epoch from position_time) * 1e9)::bigint, 0)"
                 " FROM projection_checkpoints WHERE projection=$1");
    conn.prepare("checkpoint_lock",
                 "SELECT position FROM projection_checkpoints WHERE projection=$1 FOR UPDATE");
    conn.prepare("checkpoint_write",
                 "UPDATE projection_checkpoints SET position=$2, position_time=$3::timestamptz,"
                 " applied_commits=applied_commits+$4, unknown_events=unknown_events+$5,"
                 " dead_letters=dead_letters+$6 WHERE projection=$1");
    pqxx::work tx(conn);
    tx.exec_params(
        "INSERT INTO projection_checkpoints (projection) VALUES ($1) ON CONFLICT DO NOTHING",
        projection_);
    tx.commit();
    return common::Unit{};
  });
}

Status BatchApplier::resume(pqxx::connection& conn) {
  return guarded("resume aggregate upkeep", [&]() -> common::Unit {
    pqxx::work tx(conn);
    upkeep_.start(tx);
    tx.commit();
    return common::Unit{};
  });
}

Result<Checkpoint> BatchApplier::checkpoint(pqxx::connection& conn) const {
  return guarded("read checkpoint", [&]() -> Checkpoint {
    pqxx::read_transaction tx(conn);
    const pqxx::result r = tx.exec_prepared("checkpoint_read", projection_);
    Checkpoint c;
    if (!r.empty()) {
      c.position = r[0][0].as<std::uint64_t>();
      c.position_time_ns = r[0][1].as<std::int64_t>();
    }
    return c;
  });
}

Status BatchApplier::recompute_aggregates(pqxx::connection& conn) {
  return guarded("recompute aggregates", [&]() -> common::Unit {
    pqxx::work tx(conn);
    AggregateUpkeep::recompute_all(tx);
    tx.commit();
    return common::Unit{};
  });
}

Result<bool> BatchApplier::work_off_backlog(pqxx::connection& conn) {
  return guarded("work off aggregate backlog", [&]() -> bool {
    pqxx::work tx(conn);
    (void)tx.exec_prepared("checkpoint_lock", projection_);
    const bool any = upkeep_.work_off(tx);
    tx.commit();
    upkeep_.committed();
    return any;
  });
}

namespace {

// One delivery into `writer`: its commit, or a dead letter when it did not
// decode.
void translate_one(ReadModelWriter& writer, const events::Delivery& d) {
  if (d.commit) {
    writer.apply(d.commit.value());
  } else {
    writer.dead_letter(
        DeadLetter{d.sequence, -1, d.subject, d.commit.error().describe(), raw_bytes(d)});
  }
}

}  // namespace

BatchEffects translate(const std::vector<events::Delivery>& batch) {
  BatchEffects effects;
  ReadModelWriter writer(effects);
  for (const events::Delivery& d : batch) translate_one(writer, d);
  return effects;
}

namespace {

// `effects` (translated ahead) are exactly the commits this batch applies:
// every delivery, in an unbroken run starting right after the checkpoint.
// The sequence the next commit applied must have; 0 when any will do (at
// checkpoint 0 without a known log start).
std::uint64_t next_expected(std::uint64_t checkpoint, std::uint64_t log_start) {
  return checkpoint != 0 ? checkpoint + 1 : log_start;
}

bool covers(const BatchEffects& effects, const std::vector<events::Delivery>& batch,
            std::uint64_t checkpoint, std::uint64_t log_start) {
  if (batch.empty() || effects.commits != batch.size()) return false;
  if (effects.first_sequence != batch.front().sequence) return false;
  const std::uint64_t expected = next_expected(checkpoint, log_start);
  if (expected != 0 && batch.front().sequence != expected) return false;
  for (std::size_t i = 1; i < batch.size(); ++i) {
    if (batch[i].sequence != batch[i - 1].sequence + 1) return false;
  }
  return effects.last_sequence == batch.back().sequence;
}

// Redeliveries, a gap, or nothing translated ahead: translates the commits
// right after out.checkpoint, skipping redeliveries, stopping at a gap.
void walk(const std::vector<events::Delivery>& batch, BatchOutcome& out, BatchEffects& effects,
          std::uint64_t log_start) {
  ReadModelWriter writer(effects);
  for (const events::Delivery& d : batch) {
    if (d.sequence <= out.checkpoint.position) {
      ++out.skipped;
      ++out.handled;
      continue;
    }
    // The very first commit must be the log's first (when known).
    const std::uint64_t expected = next_expected(out.checkpoint.position, log_start);
    if (expected != 0 && d.sequence != expected) {
      out.gap = true;
      break;
    }
    translate_one(writer, d);
    out.checkpoint.position = d.sequence;
    out.checkpoint.position_time_ns = d.timestamp_ns;
    ++out.applied_commits;
    ++out.handled;
  }
}

}  // namespace

Result<BatchOutcome> BatchApplier::apply(pqxx::connection& conn,
                                         const std::vector<events::Delivery>& batch, bool behind,
                                         BatchEffects* translated) {
  return guarded("apply batch", [&]() -> BatchOutcome {
    pqxx::work tx(conn);
    BatchOutcome out;
    const pqxx::result locked = tx.exec_prepared("checkpoint_lock", projection_);
    out.checkpoint.position = locked.empty() ? 0 : locked[0][0].as<std::uint64_t>();
    const std::uint64_t start = out.checkpoint.position;
    BatchEffects effects;
    if (translated != nullptr && covers(*translated, batch, start, log_start_)) {
      effects = std::move(*translated);
      out.checkpoint.position = batch.back().sequence;
      out.checkpoint.position_time_ns = batch.back().timestamp_ns;
      out.applied_commits = batch.size();
      out.handled = batch.size();
    } else {
      walk(batch, out, effects, log_start_);
    }
    if (out.checkpoint.position == start) {
      tx.abort();
      return out;
    }
    ReadModelWriter::flush(tx, projection_, effects);
    if (!defer_aggregates_) upkeep_.batch(tx, std::move(effects.aggregates), behind);
    out.events_applied = effects.events_applied;
    out.unknown_events = effects.unknown_events;
    out.dead_letters = effects.dead_letters.size();
    tx.exec_prepared("checkpoint_write", projection_, out.checkpoint.position,
                     events::format_time_ns(out.checkpoint.position_time_ns), out.applied_commits,
                     out.unknown_events, out.dead_letters);
    if (notify_changes_) {
      notify(tx, encode_changes(projection_, out.checkpoint.position, effects.changed_businesses,
                                effects.changed_accounts));
    }
    tx.commit();
    if (!defer_aggregates_) upkeep_.committed();
    return out;
  });
}

}  // namespace slotwise::projections
