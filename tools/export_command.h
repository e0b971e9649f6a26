// `slotwise export`: writes a range of the log (by sequence or time,
// optionally one category or aggregate) to an NDJSON file, optionally gzip
// (tools/export_format.h): the exact stored bytes and headers, enough to
// verify the chain offline (`audit verify --file`) and to `restore`, plus a
// decoded JSON copy for readers. Progress on stderr; the file appears under
// its name only when complete (written as FILE.partial, then renamed).
// The flags are wired in tools/command_line.cc.
//
// Thread safety: runs on the CLI's thread.
// Errors: exit 2 bad arguments or an existing --out without --force,
// 1 empty range / undecodable commit / write error, 3 NATS unreachable.
#pragma once

#include <cstdint>
#include <string>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct ExportOptions {
  std::uint64_t from_seq = 0;  // 0: from sequence 1
  std::uint64_t to_seq = 0;    // 0: to the end
  std::string from_time;       // RFC 3339; excludes from_seq
  std::string to_time;         // RFC 3339; excludes to_seq
  std::string category;
  std::string aggregate;
  std::string out;  // required
  bool gzip = false;
  bool force = false;  // replace an existing `out`
};

// `export`; the exit code.
[[nodiscard]] int run_export(const CliContext& ctx, const ExportOptions& opts);

}  // namespace slotwise::tools
