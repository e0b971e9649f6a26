// `slotwise inspect <category> <id> [--at-seq N | --at-time T]`: the
// aggregate's events up to that point and its state rebuilt from them with
// the domain's evolve() (time travel). --at-time compares each commit's
// committed_at (the writer's clock, part of the hashed commit, so it
// survives a restore). Table on a terminal, --json for machines.
// The flags are wired in tools/command_line.cc.
//
// Thread safety: runs on the CLI's thread.
// Errors: exit 2 unknown category / invalid id, 1 no commits (at that
// point) or an undecodable event, 3 NATS unreachable.
#pragma once

#include <cstdint>
#include <string>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct InspectOptions {
  std::string category;
  std::string id;
  std::uint64_t at_seq = 0;  // 0: no limit; excludes at_time
  std::string at_time;       // RFC 3339
};

// `inspect`; the exit code.
[[nodiscard]] int run_inspect(const CliContext& ctx, const InspectOptions& o);

}  // namespace slotwise::tools
