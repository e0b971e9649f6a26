// `slotwise audit verify`: recomputes the audit hash chain of one aggregate or
// the whole log and names the first broken link (subject, sequence).
// Exit 0 when intact, 1 when not.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli_context.h"

namespace slotwise::tools {

void add_audit_command(CLI::App& app, CliContext& ctx, int& exit_code);

}  // namespace slotwise::tools
