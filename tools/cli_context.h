// CliContext: what every `slotwise` subcommand shares — where the servers
// are, how to print (human table on a terminal, JSON with --json), and how to
// open the event store. Exit codes are documented in docs/cli.md.
//
// Thread safety: single-threaded CLI.
// Errors: open_store() prints the error and returns nullptr; callers exit
// with kExitUnavailable.
#pragma once

#include <memory>
#include <string>

#include "events/event_store.h"

namespace slotwise::tools {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,       // the check ran and found a problem (e.g. a broken chain)
  kExitUsage = 2,        // bad arguments
  kExitUnavailable = 3,  // NATS / JetStream unreachable
  kExitConfig = 4,       // stream or consumer exists with an incompatible configuration
};

struct CliContext {
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string stream = "SLOTWISE";
  int replicas = 1;
  int duplicate_window_s = 120;
  bool json = false;

  [[nodiscard]] events::StoreOptions store_options() const;
  // Prints a message and returns nullptr when the store cannot be opened.
  [[nodiscard]] std::unique_ptr<events::EventStore> open_store() const;
};

// Maps an event store error to the CLI's exit code.
int exit_code_for(const events::Error& e);
// Prints `message` as "slotwise: message" on stderr.
void print_error(const std::string& message);
// Environment variable or fallback.
std::string env_or(const char* name, const std::string& fallback);

}  // namespace slotwise::tools
