// `slotwise audit verify`: recomputes the audit hash chain of one aggregate or
// the whole log, or checks an export file offline (--file), and names the
// first broken link (subject, sequence). Exit 0 when intact, 1 when not.
// `slotwise audit booking <id>`: one booking's history (audit_booking.h).
// The flags are wired in tools/command_line.cc.
//
// Thread safety: runs on the CLI's thread.
// Errors: exit 2 bad arguments, 1 broken/unreadable, 3 NATS unreachable.
#pragma once

#include <string>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct AuditVerifyOptions {
  std::string aggregate;  // --aggregate: one aggregate (and, with --file, that it is in the file)
  bool all = false;       // --all: every aggregate and the log's continuity (the default)
  std::string file;       // --file: an export file, verified offline
};

// `audit verify`; the exit code.
[[nodiscard]] int run_audit_verify(const CliContext& ctx, AuditVerifyOptions opts);

}  // namespace slotwise::tools
