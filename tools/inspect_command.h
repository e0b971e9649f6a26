// `slotwise inspect <category> <id> [--at-seq N | --at-time T]`: the
// aggregate's events up to that point and its state rebuilt from them with
// the domain's evolve() (time travel). --at-time compares each commit's
// committed_at (the writer's clock, part of the hashed commit, so it
// survives a restore). Table on a terminal, --json for machines.
//
// Thread safety: runs on the CLI's thread.
// Errors: exit 2 unknown category / invalid id, 1 no commits (at that
// point) or an undecodable event, 3 NATS unreachable.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli_context.h"

namespace slotwise::tools {

void add_inspect_command(CLI::App& app, CliContext& ctx, int& exit_code);

}  // namespace slotwise::tools
