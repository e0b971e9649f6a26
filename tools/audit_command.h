// `slotwise audit verify`: recomputes the audit hash chain of one aggregate or
// the whole log, or checks an export file offline (--file), and names the
// first broken link (subject, sequence). Exit 0 when intact, 1 when not.
// `slotwise audit booking <id>`: one booking's history (audit_booking.h).
//
// Thread safety: runs on the CLI's thread.
// Errors: exit 2 bad arguments, 1 broken/unreadable, 3 NATS unreachable.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli_context.h"

namespace slotwise::tools {

void add_audit_command(CLI::App& app, CliContext& ctx, int& exit_code);

}  // namespace slotwise::tools
