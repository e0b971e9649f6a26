// Read-model schema migrations: plain SQL files (projections/migrations/
// NNNN_name.sql) embedded at build time, applied in name order, each in its
// own transaction together with its row in schema_migrations(name,
// applied_at). A transaction-scoped advisory lock serialises processes that
// migrate at the same time; an applied migration is never run again.
//
// Thread safety: apply_migrations() uses the caller's connection.
// Errors: the first failing migration's error (its transaction is rolled
// back, later ones are not tried).
#pragma once

#include <span>
#include <string_view>

#include "projections/pg.h"

namespace slotwise::projections {

struct Migration {
  std::string_view name;  // file name, e.g. "0001_read_models.sql"
  std::string_view sql;
};

// The files of projections/migrations/, sorted by name.
[[nodiscard]] std::span<const Migration> embedded_migrations();

// Applies the migrations not yet recorded; returns how many it applied.
[[nodiscard]] Result<int> apply_migrations(pqxx::connection& conn,
                                           std::span<const Migration> migrations);

// Best effort: creates the login role `role` if missing and grants it
// CONNECT, USAGE on schema public and SELECT on every table (now and later
// ones). Creating needs CREATEROLE; the grants are tried even when creating
// fails (an administrator may have created the role) and need ownership.
[[nodiscard]] Status ensure_read_only_role(pqxx::connection& conn, std::string_view role);

}  // namespace slotwise::projections
