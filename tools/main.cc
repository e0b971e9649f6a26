// slotwise: the command-line tool for admins, analytics consumers and
// auditors (docs/cli.md). Exceptions stop here, at the process boundary.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>

#include "tools/audit_command.h"
#include "tools/cli_context.h"
#include "tools/commit_json.h"
#include "tools/export_command.h"
#include "tools/inspect_command.h"
#include "tools/notifier_command.h"
#include "tools/projections_command.h"
#include "tools/restore_command.h"
#include "tools/streams_command.h"
#include "tools/tail_command.h"

namespace {

int run(int argc, char** argv) {
  using slotwise::tools::apply_config_file;
  using slotwise::tools::CliContext;
  using slotwise::tools::kExitFailed;
  using slotwise::tools::kExitOk;
  using slotwise::tools::kExitUsage;
  using slotwise::tools::print_error;
  if (!slotwise::tools::event_types_linked()) {
    print_error("internal error: event schemas are missing from the descriptor pool");
    return kExitFailed;
  }
  CliContext ctx;
  int exit_code = kExitOk;

  CLI::App app{"slotwise — operate and inspect the SlotWise event log"};
  app.require_subcommand(1);
  // Global options may also follow the subcommand (`slotwise streams init --nats URL`).
  app.fallthrough();
  auto* nats = app.add_option("--nats", ctx.nats_url,
                              "NATS server URL(s), comma-separated (env SLOTWISE_NATS_URL)");
  auto* stream =
      app.add_option("--stream", ctx.stream, "JetStream stream name (env SLOTWISE_STREAM)");
  auto* pg =
      app.add_option("--pg", ctx.pg_url, "PostgreSQL URL of the read models (env SLOTWISE_PG_URL)");
  app.add_option("--config", ctx.config_file,
                 "Service config file to read nats_url / stream from (service/config.h format)");
  app.add_option("--replicas", ctx.replicas, "Stream replicas: 1 locally, 3 in a cluster")
      ->check(CLI::IsMember({1, 3, 5}));
  app.add_option("--duplicate-window", ctx.duplicate_window_s,
                 "Duplicate window of the stream, seconds")
      ->check(CLI::Range(1, 7 * 24 * 3600));
  app.add_flag("--json", ctx.json, "Machine-readable JSON output");
  // Runs after parsing, before any subcommand's callback.
  app.parse_complete_callback([&ctx, nats, stream, pg] {
    if (auto problem =
            apply_config_file(ctx, {nats->count() > 0, stream->count() > 0, pg->count() > 0})) {
      throw CLI::ValidationError("--config", *problem);
    }
  });
  slotwise::tools::add_streams_command(app, ctx, exit_code);
  slotwise::tools::add_audit_command(app, ctx, exit_code);
  slotwise::tools::add_tail_command(app, ctx, exit_code);
  slotwise::tools::add_export_command(app, ctx, exit_code);
  slotwise::tools::add_restore_command(app, ctx, exit_code);
  slotwise::tools::add_inspect_command(app, ctx, exit_code);
  slotwise::tools::add_projections_command(app, ctx, exit_code);
  slotwise::tools::add_notifier_command(app, ctx, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {
    print_error(std::string("unexpected error: ") + e.what());
    return kExitFailed;
  }
  // Output that did not arrive is a failure, whatever the command found.
  if (!slotwise::tools::flush_output() && exit_code == kExitOk) return kExitFailed;
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (...) {  // the process boundary: report, never crash with an exception
    std::cerr << "slotwise: unexpected internal error\n";
    return slotwise::tools::kExitFailed;
  }
}
