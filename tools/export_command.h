// `slotwise export`: writes a range of the log (by sequence or time,
// optionally one category or aggregate) to an NDJSON file, optionally gzip
// (tools/export_format.h): the exact stored bytes and headers, enough to
// verify the chain offline (`audit verify --file`) and to `restore`, plus a
// decoded JSON copy for readers. Progress on stderr; the file appears under
// its name only when complete (written as FILE.partial, then renamed).
//
// Thread safety: runs on the CLI's thread.
// Errors: exit 2 bad arguments or an existing --out without --force,
// 1 empty range / undecodable commit / write error, 3 NATS unreachable.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli_context.h"

namespace slotwise::tools {

void add_export_command(CLI::App& app, CliContext& ctx, int& exit_code);

}  // namespace slotwise::tools
