// `slotwise tail`: follows the event log live through an ordered ephemeral
// consumer (events/subscription.h TailSubscription) and prints every event,
// decoded with the proto3 JSON mapping, with its commit's envelope.
// Filters: --category, --aggregate; start: --from-seq, --from-time, --new
// (default). Output: --format table (default on a terminal) | json | ndjson.
// SIGINT/SIGTERM stop it cleanly (exit 0); --limit N and --until-idle MS end
// it by themselves, for scripts and tests.
// The flags are wired in tools/command_line.cc.
//
// Thread safety: runs on the CLI's thread (plus the signal watcher thread).
// Errors: exit 2 bad arguments, 1 missing stream, 3 NATS unreachable; an
// undecodable commit is reported on stderr and skipped.
#pragma once

#include <cstdint>
#include <string>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct TailOptions {
  std::string category;
  std::string aggregate;
  std::uint64_t from_seq = 0;  // 0: not given
  std::string from_time;       // RFC 3339
  bool only_new = false;       // --new, the default start
  std::string format;          // "" = table on a terminal, ndjson otherwise
  std::uint64_t limit = 0;     // 0: no limit
  int until_idle_ms = 0;       // 0: follow until a signal
};

// `tail`; the exit code.
[[nodiscard]] int run_tail(const CliContext& ctx, const TailOptions& opts);

}  // namespace slotwise::tools
