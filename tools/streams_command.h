// `slotwise streams init|status`: create or verify the event log stream (and
// optionally durable consumers), and show its state and each consumer's lag.
// The flags are wired in tools/command_line.cc.
//
// Thread safety: runs on the CLI's thread.
// Errors: exit codes of docs/cli.md — 3 NATS unreachable, 4 a stream or
// consumer with an incompatible configuration, 1 a missing stream (status).
#pragma once

#include <string>
#include <vector>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct StreamsInitOptions {
  std::vector<std::string> consumers;  // NAME=FILTER durables to ensure
};

// `streams init`: creates or verifies the stream and the consumers, then
// prints the state; the exit code.
[[nodiscard]] int run_streams_init(const CliContext& ctx, const StreamsInitOptions& opts);

// `streams status`; the exit code.
[[nodiscard]] int run_streams_status(const CliContext& ctx);

}  // namespace slotwise::tools
