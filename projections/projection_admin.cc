#include "projections/projection_admin.h"

#include <thread>

#include "projections/change_notice.h"

namespace slotwise::projections {

const std::vector<ProjectionInfo>& projection_catalog() {
  static const std::vector<ProjectionInfo> kCatalog = {
      {"main",
       {"businesses", "services", "calendars", "date_overrides", "bookings", "booking_history",
        "customers", "daily_stats", "aggregate_backlog", "accounts"}},
  };
  return kCatalog;
}

const ProjectionInfo* find_projection(std::string_view name) {
  for (const ProjectionInfo& p : projection_catalog()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const std::vector<std::string>& per_projection_tables() {
  static const std::vector<std::string> kTables = {"dead_letters", "unknown_event_types"};
  return kTables;
}

std::string shadow_schema(std::string_view projection) {
  return "slotwise_rebuild_" + std::string(projection);
}

std::string lock_holder_sql(std::string_view kind) {
  return "(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
         " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
         " AND classid = (hashtext('" +
         std::string(kind) +
         "')::bigint & 4294967295)::oid"
         " AND objid = (hashtext($1)::bigint & 4294967295)::oid LIMIT 1)";
}

Result<ProjectionStatus> read_status(pqxx::connection& conn, const ProjectionInfo& projection) {
  return guarded("read projection status", [&]() -> ProjectionStatus {
    pqxx::read_transaction tx(conn);
    ProjectionStatus s;
    s.name = projection.name;
    const pqxx::result cp = tx.exec_params(
        "SELECT position, coalesce((extract(epoch from position_time) * 1e9)::bigint, 0),"
        " applied_commits, unknown_events FROM projection_checkpoints WHERE projection = $1",
        projection.name);
    if (!cp.empty()) {
      s.checkpoint = cp[0][0].as<std::uint64_t>();
      s.checkpoint_time_ns = cp[0][1].as<std::int64_t>();
      s.applied_commits = cp[0][2].as<std::uint64_t>();
      s.unknown_events = cp[0][3].as<std::uint64_t>();
    }
    const pqxx::row r = tx.exec_params1(
        "SELECT (SELECT count(*) FROM dead_letters WHERE projection = $1), " +
            lock_holder_sql("slotwise-rebuild") + ", " + lock_holder_sql("slotwise-projector"),
        projection.name);
    s.dead_letters = r[0].as<std::uint64_t>();
    s.rebuild_in_progress = !r[1].is_null();
    if (!r[2].is_null()) s.projector_pid = r[2].as<std::int64_t>();
    return s;
  });
}

Status take_rebuild_lock(pqxx::connection& conn, const ProjectionInfo& projection) {
  auto got = guarded("rebuild lock", [&]() -> bool {
    pqxx::nontransaction tx(conn);
    return tx
        .exec_params1("SELECT pg_try_advisory_lock(hashtext('slotwise-rebuild'), hashtext($1))",
                      projection.name)[0]
        .as<bool>();
  });
  if (!got) return common::Unexpected<Error>{got.error()};
  if (!got.value()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a rebuild or reset of projection '" + projection.name + "' is running");
  }
  return common::Unit{};
}

namespace {

void release_rebuild_lock(pqxx::connection& conn, const std::string& name) {
  (void)guarded("release rebuild lock", [&]() -> common::Unit {
    pqxx::nontransaction tx(conn);
    tx.exec_params("SELECT pg_advisory_unlock(hashtext('slotwise-rebuild'), hashtext($1))", name);
    return common::Unit{};
  });
}

}  // namespace

Status reset_projection(pqxx::connection& conn, const ProjectionInfo& projection,
                        std::chrono::milliseconds lock_timeout) {
  if (auto locked = take_rebuild_lock(conn, projection); !locked) return locked;
  auto done = guarded("reset projection", [&]() -> common::Unit {
    pqxx::work tx(conn);
    tx.exec0("SET LOCAL lock_timeout = '" + std::to_string(lock_timeout.count()) + "ms'");
    // Freezes the projector: its next batch waits on this row lock.
    tx.exec_params("SELECT position FROM projection_checkpoints WHERE projection = $1 FOR UPDATE",
                   projection.name);
    std::string truncate = "TRUNCATE ";
    for (std::size_t i = 0; i < projection.tables.size(); ++i) {
      truncate += (i > 0 ? ", " : "") + tx.quote_name(projection.tables[i]);
    }
    tx.exec0(truncate);
    for (const std::string& t : per_projection_tables()) {
      tx.exec_params0("DELETE FROM " + tx.quote_name(t) + " WHERE projection = $1",
                      projection.name);
    }
    tx.exec_params0(
        "UPDATE projection_checkpoints SET position = 0, position_time = NULL,"
        " applied_commits = 0, unknown_events = 0, dead_letters = 0 WHERE projection = $1",
        projection.name);
    notify(tx, {encode_everything_changed(projection.name, 0)});
    // The projector's consumer is positioned after its old checkpoint: end
    // its session (it is waiting on the row lock above, so it applies
    // nothing more) and wait until it is gone; it reconnects, reads
    // checkpoint 0 and repositions at the start of the log.
    const pqxx::row holder =
        tx.exec_params1("SELECT " + lock_holder_sql("slotwise-projector"), projection.name);
    if (!holder[0].is_null()) {
      const auto pid = holder[0].as<std::int64_t>();
      tx.exec_params("SELECT pg_terminate_backend($1)", pid);
      for (int i = 0; i < 200; ++i) {
        if (tx.exec_params("SELECT 1 FROM pg_locks WHERE pid = $1", pid).empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
    }
    tx.commit();
    return common::Unit{};
  });
  release_rebuild_lock(conn, projection.name);
  return done;
}

}  // namespace slotwise::projections
