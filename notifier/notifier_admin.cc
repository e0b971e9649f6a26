#include "notifier/notifier_admin.h"

#include <algorithm>
#include <utility>

#include "projections/pg.h"
#include "projections/projection_admin.h"

namespace slotwise::notifier {
namespace {

using Replayed = common::Result<ReplayReport, ReplayError>;
using Refused = common::Unexpected<ReplayError>;

// The planner's lease (planner.cc): (hashtext(kLeaseClass), hashtext(consumer)).
constexpr const char* kLeaseClass = "slotwise-notifier";

Refused refused(ReplayErrorCode code, std::string message) {
  return Refused{ReplayError{code, std::move(message)}};
}

Refused from_pg(const projections::Error& e) {
  return refused(e.code == projections::ErrorCode::kUnavailable ? ReplayErrorCode::kUnavailable
                                                                : ReplayErrorCode::kDatabase,
                 e.message);
}

void release_lease(pqxx::connection& conn, const std::string& consumer) {
  (void)projections::guarded("release the notifier lease", [&]() -> common::Unit {
    pqxx::nontransaction tx(conn);
    tx.exec_params("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", kLeaseClass, consumer);
    return common::Unit{};
  });
}

std::string planner_running_message(pqxx::connection& conn, const std::string& consumer) {
  auto pid = projections::guarded("lease holder", [&]() -> std::string {
    pqxx::nontransaction tx(conn);
    const pqxx::row r =
        tx.exec_params1("SELECT " + projections::lock_holder_sql(kLeaseClass), consumer);
    return r[0].is_null() ? std::string() : r[0].as<std::string>();
  });
  const std::string session =
      pid && !pid.value().empty() ? " (its PostgreSQL session has pid " + pid.value() + ")" : "";
  return "slotwise-notifier is running as consumer '" + consumer + "'" + session +
         " and holds the planning lease: it would overwrite the checkpoint with its next batch;"
         " stop every instance of it, then replay";
}

// Under the lease: checks `from` against the checkpoint and moves it.
Replayed move_checkpoint(pqxx::connection& conn, const std::string& consumer, std::uint64_t from) {
  pqxx::work tx(conn);
  const pqxx::result row = tx.exec_params(
      "SELECT position FROM notifier_checkpoints WHERE consumer = $1 FOR UPDATE", consumer);
  if (row.empty()) {
    const pqxx::row known = tx.exec1(
        "SELECT coalesce(string_agg(consumer, ', ' ORDER BY consumer), 'none')"
        " FROM notifier_checkpoints");
    return refused(ReplayErrorCode::kUnknownConsumer,
                   "no notifier checkpoint for consumer '" + consumer +
                       "' (known: " + known[0].as<std::string>() + ")");
  }
  ReplayReport report;
  report.previous_position = row[0][0].as<std::uint64_t>();
  if (from > report.previous_position + 1) {
    return refused(ReplayErrorCode::kBeyondCheckpoint,
                   "cannot replay from sequence " + std::to_string(from) + ": consumer '" +
                       consumer + "' has planned up to sequence " +
                       std::to_string(report.previous_position) +
                       ", so the commits after it would never be planned (--from at most " +
                       std::to_string(report.previous_position + 1) + ")");
  }
  report.position = from - 1;
  // The replay counts the dead letters at or after `from` again (their rows
  // stay, ON CONFLICT DO NOTHING): start the count from those before it.
  tx.exec_params0(
      "UPDATE notifier_checkpoints SET position = $2,"
      " dead_letters = (SELECT count(*) FROM notifier_dead_letters WHERE sequence < $3)"
      " WHERE consumer = $1",
      consumer, report.position, from);
  tx.commit();
  return report;
}

}  // namespace

common::Result<ReplayReport, ReplayError> replay_notifier(pqxx::connection& conn,
                                                          const std::string& consumer,
                                                          std::uint64_t from) {
  from = std::max<std::uint64_t>(from, 1);
  auto installed = projections::guarded("notifier tables", [&]() -> bool {
    pqxx::nontransaction tx(conn);
    return !tx.exec1("SELECT to_regclass('notifier_checkpoints')")[0].is_null();
  });
  if (!installed) return from_pg(installed.error());
  if (!installed.value()) {
    return refused(ReplayErrorCode::kNotInstalled,
                   "this database has no notifier tables (slotwise-notifier creates them when it"
                   " first starts with this pg_url)");
  }
  auto leased = projections::guarded("notifier lease", [&]() -> bool {
    pqxx::nontransaction tx(conn);
    return tx
        .exec_params1("SELECT pg_try_advisory_lock(hashtext($1), hashtext($2))", kLeaseClass,
                      consumer)[0]
        .as<bool>();
  });
  if (!leased) return from_pg(leased.error());
  if (!leased.value()) {
    return refused(ReplayErrorCode::kPlannerRunning, planner_running_message(conn, consumer));
  }
  auto moved =
      projections::guarded("replay", [&] { return move_checkpoint(conn, consumer, from); });
  release_lease(conn, consumer);
  if (!moved) return from_pg(moved.error());
  return std::move(moved).value();
}

}  // namespace slotwise::notifier
