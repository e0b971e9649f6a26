// `slotwise projections status|rebuild <name>|reset <name>`: the read
// models' state, a rebuild into shadow tables swapped in atomically while the
// live ones keep serving, and a reset that lets the projector rebuild in
// place (docs/cli.md, docs/adr/0010-projection-rebuild.md).
// The flags are wired in tools/command_line.cc.
//
// Thread safety: single-threaded CLI.
// Errors: exit codes of docs/cli.md — 2 for an unknown projection or a reset
// without --yes, 3 when NATS or PostgreSQL cannot be reached, 1 when the
// work failed (another rebuild runs, an SQL error, a swap that could not get
// its locks); the live tables are then untouched.
#pragma once

#include <string>

#include "projections/pg.h"
#include "tools/cli_context.h"

namespace slotwise::tools {

// Shared by status, rebuild and reset; each reads the fields it has flags for.
struct ProjectionsOptions {
  std::string name;
  int batch = 5000;           // rebuild: commits per fetch and shadow transaction
  int lock_timeout_ms = 200;  // rebuild: each live table's lock wait at the swap
  bool yes = false;           // reset: confirmed without a terminal prompt
};

// `projections rebuild NAME`; the exit code.
[[nodiscard]] int run_projections_rebuild(const CliContext& ctx, const ProjectionsOptions& o);

// `projections reset NAME`; the exit code.
[[nodiscard]] int run_projections_reset(const CliContext& ctx, const ProjectionsOptions& o);

// Maps a read-side error to the CLI's exit code.
int exit_code_for(const projections::Error& e);

// "unknown projection 'x' (known: main)".
std::string unknown_projection_message(const std::string& name);

// `projections status [NAME]` (projections_status.cc).
int run_projections_status(const CliContext& ctx, const std::string& name);

}  // namespace slotwise::tools
