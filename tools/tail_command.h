// `slotwise tail`: follows the event log live through an ordered ephemeral
// consumer (events/subscription.h TailSubscription) and prints every event,
// decoded with the proto3 JSON mapping, with its commit's envelope.
// Filters: --category, --aggregate; start: --from-seq, --from-time, --new
// (default). Output: --format table (default on a terminal) | json | ndjson.
// SIGINT/SIGTERM stop it cleanly (exit 0); --limit N and --until-idle MS end
// it by themselves, for scripts and tests.
//
// Thread safety: runs on the CLI's thread (plus the signal watcher thread).
// Errors: exit 2 bad arguments, 1 missing stream, 3 NATS unreachable; an
// undecodable commit is reported on stderr and skipped.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli_context.h"

namespace slotwise::tools {

void add_tail_command(CLI::App& app, CliContext& ctx, int& exit_code);

}  // namespace slotwise::tools
