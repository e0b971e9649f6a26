#include "projections/migrations.h"

#include <string>

namespace slotwise::projections {
namespace {

// pg_advisory_xact_lock key shared by every migrating process.
constexpr long long kMigrationLockKey = 0x5157'0001;

}  // namespace

Result<int> apply_migrations(pqxx::connection& conn, std::span<const Migration> migrations) {
  return guarded("apply migrations", [&]() -> int {
    {
      pqxx::work tx(conn);
      tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")");
      tx.exec0(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      tx.commit();
    }
    int applied = 0;
    for (const Migration& m : migrations) {
      pqxx::work tx(conn);
      tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")");
      const std::string name(m.name);
      if (!tx.exec("SELECT 1 FROM schema_migrations WHERE name = " + tx.quote(name)).empty()) {
        continue;
      }
      tx.exec(std::string(m.sql));
      tx.exec0("INSERT INTO schema_migrations (name) VALUES (" + tx.quote(name) + ")");
      tx.commit();
      ++applied;
    }
    return applied;
  });
}

Status ensure_read_only_role(pqxx::connection& conn, std::string_view role) {
  // Creating needs CREATEROLE, which the local `slotwise` role lacks; the
  // grants below still apply to a role an administrator created.
  auto created = guarded("create read-only role", [&]() -> common::Unit {
    pqxx::work tx(conn);
    tx.exec0("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " +
             tx.quote(std::string(role)) + ") THEN CREATE ROLE " +
             tx.quote_name(std::string(role)) + " LOGIN; END IF; END $$");
    tx.commit();
    return common::Unit{};
  });
  auto granted = guarded("grant read-only role", [&]() -> common::Unit {
    pqxx::work tx(conn);
    const std::string r = tx.quote_name(std::string(role));
    tx.exec0("GRANT CONNECT ON DATABASE " + tx.quote_name(conn.dbname()) + " TO " + r);
    tx.exec0("GRANT USAGE ON SCHEMA public TO " + r);
    tx.exec0("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + r);
    tx.exec0("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + r);
    tx.commit();
    return common::Unit{};
  });
  if (!granted) return granted;
  return created;
}

}  // namespace slotwise::projections
