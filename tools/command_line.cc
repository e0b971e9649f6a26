#include "tools/command_line.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include "tools/audit_booking.h"
#include "tools/audit_command.h"
#include "tools/cli_context.h"
#include "tools/export_command.h"
#include "tools/inspect_command.h"
#include "tools/notifier_command.h"
#include "tools/projections_command.h"
#include "tools/restore_command.h"
#include "tools/streams_command.h"
#include "tools/subject_filter.h"
#include "tools/tail_command.h"

namespace slotwise::tools {
namespace {

// Each add_*_command registers one subcommand: its options fill a struct
// that the callback, run after parsing, hands to the command's run function
// (tools/*_command.h), keeping its exit code. The structs are shared with
// the callbacks because CLI11 writes into them after these functions return.

void add_global_options(CLI::App& app, CliContext& ctx) {
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
}

void add_streams_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto* streams = app.add_subcommand("streams", "Create, verify and inspect the event log stream");
  streams->require_subcommand(1);
  auto opts = std::make_shared<StreamsInitOptions>();

  auto* init = streams->add_subcommand(
      "init",
      "Create the stream (and --consumer durables) if missing, or verify them; never "
      "changes an existing configuration");
  init->add_option("--consumer", opts->consumers,
                   "Durable pull consumer to ensure, as NAME=FILTER (e.g. "
                   "projector=sw.evt.calendar.>); repeatable");
  init->callback([&ctx, &exit_code, opts] { exit_code = run_streams_init(ctx, *opts); });

  auto* status = streams->add_subcommand(
      "status", "Messages, bytes, first/last sequence and time, and each consumer's lag");
  status->callback([&ctx, &exit_code] { exit_code = run_streams_status(ctx); });
}

void add_audit_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto* audit = app.add_subcommand("audit", "Inspect and verify the event log's integrity");
  audit->require_subcommand(1);
  auto opts = std::make_shared<AuditVerifyOptions>();
  auto* v = audit->add_subcommand(
      "verify", "Recompute hash chains and sequence continuity; exit 0 intact, 1 broken");
  v->add_option(
      "--aggregate", opts->aggregate,
      "Verify one aggregate (e.g. biz_…); with --file, the file and that aggregate in it");
  v->add_flag("--all", opts->all,
              "Verify every aggregate and the log's continuity (the default); with --file, the "
              "file must hold the whole log");
  v->add_option("--file", opts->file,
                "Verify an export file offline (chains, sequence continuity, completeness)");
  v->callback([&ctx, &exit_code, opts] { exit_code = run_audit_verify(ctx, *opts); });

  auto booking = std::make_shared<BookingAuditOptions>();
  auto* b = audit->add_subcommand("booking", "Full history of one booking: who did what and when");
  b->add_option("ID", booking->booking_id, "Booking id (bkg_…)")->required();
  b->add_option("--business", booking->business_id,
                "Only scan this business's calendar (faster on a large log)");
  b->callback([&ctx, &exit_code, booking] { exit_code = audit_booking(ctx, *booking); });
}

void add_tail_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto opts = std::make_shared<TailOptions>();
  auto* cmd = app.add_subcommand(
      "tail",
      "Follow the event log live, one decoded event per line with its envelope; Ctrl-C stops");
  cmd->add_option("--category", opts->category, std::string("Only this category: ") + kCategories);
  cmd->add_option("--aggregate", opts->aggregate, "Only this aggregate id (e.g. biz_…)");
  auto* seq = cmd->add_option("--from-seq", opts->from_seq, "Start at this stream sequence")
                  ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  auto* time = cmd->add_option("--from-time", opts->from_time,
                               "Start at the first commit stored at or after this RFC 3339 time");
  auto* only_new =
      cmd->add_flag("--new", opts->only_new, "Only commits appended from now (default)");
  seq->excludes(time)->excludes(only_new);
  time->excludes(only_new);
  cmd->add_option("--format", opts->format,
                  "table | json (indented) | ndjson (default: table on a terminal, else ndjson)")
      ->check(CLI::IsMember({"table", "json", "ndjson"}));
  cmd->add_option("--limit", opts->limit, "Stop after printing N events (exit 0)")
      ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  cmd->add_option("--until-idle", opts->until_idle_ms,
                  "Stop (exit 0) when nothing arrives for this many milliseconds")
      ->check(CLI::Range(1, 24 * 3600 * 1000));
  cmd->callback([&ctx, &exit_code, opts] { exit_code = run_tail(ctx, *opts); });
}

void add_export_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto opts = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand(
      "export", "Write a range of the log to an NDJSON file (raw bytes + decoded JSON)");
  auto* from_seq =
      cmd->add_option("--from-seq", opts->from_seq, "First stream sequence (default 1)")
          ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  auto* from_time =
      cmd->add_option("--from-time", opts->from_time,
                      "Start at the first commit stored at or after this RFC 3339 time");
  from_seq->excludes(from_time);
  auto* to_seq = cmd->add_option("--to-seq", opts->to_seq, "Last stream sequence (inclusive)")
                     ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  auto* to_time = cmd->add_option("--to-time", opts->to_time,
                                  "Stop after the last commit stored at or before this time");
  to_seq->excludes(to_time);
  cmd->add_option("--category", opts->category, std::string("Only this category: ") + kCategories);
  cmd->add_option("--aggregate", opts->aggregate, "Only this aggregate id");
  cmd->add_option("--out", opts->out, "Output file")->required();
  cmd->add_flag("--gzip", opts->gzip, "Compress the file with gzip");
  cmd->add_flag("--force", opts->force, "Replace --out if it exists");
  cmd->callback([&ctx, &exit_code, opts] { exit_code = run_export(ctx, *opts); });
}

void add_restore_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto opts = std::make_shared<RestoreOptions>();
  auto* cmd = app.add_subcommand(
      "restore",
      "Restore a complete export into an EMPTY stream, verifying the hash chain as it goes");
  cmd->add_option("FILE", opts->file, "Export file (plain or gzip)")->required();
  cmd->callback([&ctx, &exit_code, opts] { exit_code = run_restore(ctx, *opts); });
}

void add_inspect_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto opts = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "An aggregate's events and its state rebuilt from them, optionally at a past point");
  cmd->add_option("CATEGORY", opts->category, std::string("One of ") + kCategories)->required();
  cmd->add_option("ID", opts->id, "Aggregate id, e.g. biz_…")->required();
  auto* seq =
      cmd->add_option("--at-seq", opts->at_seq, "Only commits at or before this stream sequence")
          ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  auto* time = cmd->add_option("--at-time", opts->at_time,
                               "Only commits committed at or before this RFC 3339 time");
  seq->excludes(time);
  cmd->callback([&ctx, &exit_code, opts] { exit_code = run_inspect(ctx, *opts); });
}

void add_projections_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto o = std::make_shared<ProjectionsOptions>();
  auto* cmd = app.add_subcommand("projections", "Read models: status, rebuild, reset");
  cmd->require_subcommand(1);

  auto* status = cmd->add_subcommand(
      "status", "Checkpoint, stream head, lag, last applied commit, dead letters, rebuilds");
  status->add_option("name", o->name, "Only this projection");
  status->callback([&ctx, &exit_code, o] { exit_code = run_projections_status(ctx, o->name); });

  auto* rebuild = cmd->add_subcommand(
      "rebuild", "Replay the log into shadow tables, then swap them in atomically");
  rebuild->add_option("name", o->name, "Projection to rebuild (main)")->required();
  rebuild->add_option("--batch", o->batch, "Commits per fetch and shadow transaction")
      ->check(CLI::Range(1, 10000));
  rebuild
      ->add_option("--lock-timeout-ms", o->lock_timeout_ms,
                   "Longest wait for each live table's lock at the swap (then retried)")
      ->check(CLI::Range(10, 900));
  rebuild->callback([&ctx, &exit_code, o] { exit_code = run_projections_rebuild(ctx, *o); });

  auto* reset = cmd->add_subcommand(
      "reset", "Drop a projection's rows and checkpoint; the projector rebuilds it in place");
  reset->add_option("name", o->name, "Projection to reset (main)")->required();
  reset->add_flag("--yes", o->yes, "Confirm: the query API serves empty data meanwhile");
  reset->callback([&ctx, &exit_code, o] { exit_code = run_projections_reset(ctx, *o); });
}

void add_notifier_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto o = std::make_shared<NotifierOptions>();
  auto* cmd = app.add_subcommand("notifier", "The email notifier: replay the log");
  cmd->require_subcommand(1);

  auto* replay = cmd->add_subcommand(
      "replay",
      "Make slotwise-notifier plan the log again (stopped notifier; sends nothing twice)");
  replay
      ->add_option("--from", o->from,
                   "First stream sequence to plan again (1 = the whole log; at most the"
                   " checkpoint + 1)")
      ->check(CLI::PositiveNumber);
  replay->add_option("--consumer", o->consumer,
                     "The notifier's `consumer` setting (checkpoint row and lease key)");
  replay->callback([&ctx, &exit_code, o] { exit_code = run_notifier_replay(ctx, *o); });
}

}  // namespace

int run_command_line(int argc, char** argv) {
  CliContext ctx;
  int exit_code = kExitOk;

  CLI::App app{"slotwise — operate and inspect the SlotWise event log"};
  app.require_subcommand(1);
  // Global options may also follow the subcommand (`slotwise streams init --nats URL`).
  app.fallthrough();
  add_global_options(app, ctx);
  add_streams_command(app, ctx, exit_code);
  add_audit_command(app, ctx, exit_code);
  add_tail_command(app, ctx, exit_code);
  add_export_command(app, ctx, exit_code);
  add_restore_command(app, ctx, exit_code);
  add_inspect_command(app, ctx, exit_code);
  add_projections_command(app, ctx, exit_code);
  add_notifier_command(app, ctx, exit_code);

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
  if (!flush_output() && exit_code == kExitOk) return kExitFailed;
  return exit_code;
}

}  // namespace slotwise::tools
