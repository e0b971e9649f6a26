// `slotwise notifier replay [--from SEQ] [--consumer NAME]`: makes
// slotwise-notifier plan the log again from stream sequence SEQ (default 1,
// the whole log) by moving its checkpoint back, which sends nothing twice
// (notifier/notifier_admin.h, docs/notifier.md). Refused while a notifier
// plans: it holds the lease and would overwrite the checkpoint.
// The flags are wired in tools/command_line.cc.
//
// Thread safety: single-threaded CLI.
// Errors: exit codes of docs/cli.md — 2 for a consumer with no checkpoint or
// a --from beyond its checkpoint + 1, 3 when PostgreSQL cannot be reached,
// 1 when the notifier is running (holds its lease), the database has no
// notifier tables, or an SQL error.
#pragma once

#include <cstdint>
#include <string>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct NotifierOptions {
  std::uint64_t from = 1;             // first sequence to plan again
  std::string consumer = "notifier";  // the notifier's `consumer` setting
};

// `notifier replay`; the exit code.
[[nodiscard]] int run_notifier_replay(const CliContext& ctx, const NotifierOptions& o);

}  // namespace slotwise::tools
