// `slotwise streams init|status`: create or verify the event log stream (and
// optionally durable consumers), and show its state and each consumer's lag.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli_context.h"

namespace slotwise::tools {

void add_streams_command(CLI::App& app, CliContext& ctx, int& exit_code);

}  // namespace slotwise::tools
