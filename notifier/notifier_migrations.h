// The notifier's SQL migrations (notifier/migrations/*.sql), embedded at
// build time by cmake/EmbedMigrations.cmake and applied with
// projections::apply_migrations (their names are prefixed "notifier_" so
// they share schema_migrations with the projector's).
//
// Thread safety: returns static data.
// Errors: none.
#pragma once

#include <span>

#include "projections/migrations.h"

namespace slotwise::notifier {

[[nodiscard]] std::span<const projections::Migration> notifier_migrations();

}  // namespace slotwise::notifier
