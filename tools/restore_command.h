// `slotwise restore FILE`: disaster recovery. Writes a complete export
// (whole log from sequence 1, no filter) back into an EMPTY stream (creating
// it if missing), byte for byte: same subjects, sequences, commit bytes and
// headers (so commit ids and chain hashes are kept and `audit verify --all`
// passes). The file is verified first (hash chains, sequence continuity)
// and every link again while publishing; nothing is written for a broken
// file, and publishing stops at the first broken link, naming its subject
// and original sequence. Publishes are pipelined; each requires the stream's
// last sequence to be the record's predecessor, so a concurrent writer or a
// failed publish stops the restore at an exact prefix instead of leaving a
// gap. Restored messages get new server timestamps (the
// commits keep committed_at); Nats-Msg-Id is not re-sent.
// The flags are wired in tools/command_line.cc.
//
// Thread safety: runs on the CLI's thread; acknowledgements arrive on a
// nats.c thread and are collected under a mutex.
// Errors: exit 1 unreadable/broken/partial file or non-empty stream,
// 3 NATS unreachable, 4 incompatible stream configuration.
#pragma once

#include <string>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct RestoreOptions {
  std::string file;  // the export (plain or gzip)
};

// `restore FILE`; the exit code.
[[nodiscard]] int run_restore(const CliContext& ctx, const RestoreOptions& opts);

}  // namespace slotwise::tools
