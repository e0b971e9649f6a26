// CliContext: what every `slotwise` subcommand shares — where the servers
// are, how to print (human table on a terminal, JSON with --json), and how to
// open the event store. Exit codes are documented in docs/cli.md.
//
// Settings are resolved in this order: command-line flag, environment
// (SLOTWISE_NATS_URL, SLOTWISE_STREAM, SLOTWISE_PG_URL), the services' config
// file given with --config (keys nats_url, stream, pg_url; service/config.h),
// the default.
//
// Thread safety: single-threaded CLI.
// Errors: open_store() prints the error and returns nullptr; callers exit
// with kExitUnavailable. apply_config_file() returns a message for exit 2.
#pragma once

#include <memory>
#include <optional>
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
  std::string nats_url = "nats://127.0.0.1:54222";
  std::string stream = "SLOTWISE";
  // The read models' database (projections), as the projector's pg_url.
  std::string pg_url = "postgresql://slotwise@127.0.0.1:55432/slotwise";
  int replicas = 1;
  int duplicate_window_s = 120;
  bool json = false;
  std::string config_file;  // --config: the services' config file

  [[nodiscard]] events::StoreOptions store_options() const;
  // Prints a message and returns nullptr when the store cannot be opened.
  [[nodiscard]] std::unique_ptr<events::EventStore> open_store() const;
};

// Which settings were given as flags (and so win over environment and file).
struct GivenFlags {
  bool nats = false;
  bool stream = false;
  bool pg = false;
};

// Fills nats_url / stream / pg_url from the environment, then from --config
// when the flag was not given on the command line. nullopt on success, else
// the message to print (the file is unreadable or malformed).
[[nodiscard]] std::optional<std::string> apply_config_file(CliContext& ctx, GivenFlags given);

// Maps an event store error to the CLI's exit code.
int exit_code_for(const events::Error& e);
// Prints `message` as "slotwise: message" on stderr.
void print_error(const std::string& message);
// Environment variable or fallback.
std::string env_or(const char* name, const std::string& fallback);
// Whether standard output is a terminal (tables) rather than a pipe (JSON).
[[nodiscard]] bool stdout_is_terminal();
// Flushes std::cout; false when output was lost (the reader of a pipe went
// away, the disk is full), after printing "cannot write output: reason" on
// stderr the first time. nats.c ignores SIGPIPE, so such writes fail with
// EPIPE instead of ending the process: whoever writes must check.
[[nodiscard]] bool flush_output();

}  // namespace slotwise::tools
