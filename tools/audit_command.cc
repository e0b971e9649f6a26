#include "tools/audit_command.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "events/hash_chain.h"
#include "tools/audit_booking.h"
#include "tools/export_verifier.h"
#include "tools/line_file.h"

namespace slotwise::tools {

namespace {

struct VerifyOptions {
  std::string aggregate;
  bool all = false;
  std::string file;
};

void print_file_break(const CliContext& ctx, const ExportBreak& b) {
  if (ctx.json) {
    std::cout << R"({"intact":false,"line":)" << b.line << R"(,"subject":")" << b.subject
              << R"(","sequence":)" << b.sequence << "}\n";
  } else {
    std::cout << "BROKEN at " << b.describe() << "\n";
  }
}

// Verifies an export file offline (no server needed).
int verify_file(const CliContext& ctx, const std::string& path) {
  auto reader = LineReader::open(path);
  if (!reader) {
    print_error(reader.error());
    return kExitFailed;
  }
  ExportVerifier verifier;
  while (true) {
    auto line = reader.value()->next();
    if (!line) {
      print_error(line.error());
      return kExitFailed;
    }
    if (!line.value()) break;
    if (auto broken = verifier.add_line(*line.value())) {
      print_file_break(ctx, *broken);
      return kExitFailed;
    }
  }
  if (auto broken = verifier.finish()) {
    print_file_break(ctx, *broken);
    return kExitFailed;
  }
  if (ctx.json) {
    std::cout << R"({"intact":true,"commits_verified":)" << verifier.commits() << R"(,"subjects":)"
              << verifier.subjects() << R"(,"first_sequence":)" << verifier.first_sequence()
              << R"(,"last_sequence":)" << verifier.last_sequence() << "}\n";
  } else {
    std::cout << "intact: " << verifier.commits() << " commits over " << verifier.subjects()
              << " aggregates in " << path << " (sequences " << verifier.first_sequence() << ".."
              << verifier.last_sequence() << ")\n";
  }
  return kExitOk;
}

int verify(const CliContext& ctx, const VerifyOptions& opts) {
  if (!opts.file.empty()) {
    if (opts.all || !opts.aggregate.empty()) {
      print_error("audit verify --file checks a whole export; it takes no --all or --aggregate");
      return kExitUsage;
    }
    return verify_file(ctx, opts.file);
  }
  if (opts.all == !opts.aggregate.empty()) {
    print_error("audit verify needs exactly one of --aggregate ID, --all or --file EXPORT");
    return kExitUsage;
  }
  if (!opts.aggregate.empty() && !events::is_valid_token(opts.aggregate)) {
    print_error("'" + opts.aggregate + "' is not a valid aggregate id");
    return kExitUsage;
  }
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  events::ScanRange range;
  if (!opts.aggregate.empty()) {
    // Ids are unique across categories, so one wildcard token finds it.
    range.filter_subject = store->stream().subject_prefix + ".*." + opts.aggregate;
  }
  events::ChainVerifier verifier;
  std::optional<events::Error> broken;
  auto st = store->scan(range, [&](events::Result<events::StoredCommit>&& c) {
    if (!c) {
      events::Error e = c.error();
      e.code = events::ErrorCode::kChainBroken;
      e.message = "commit cannot be decoded: " + e.message;
      broken = e;
      return false;
    }
    auto ok = verifier.add(
        {c->subject, c->sequence, c->commit.previous_version(), c->payload, c->hash_hex});
    if (!ok) {
      broken = ok.error();
      return false;
    }
    return true;
  });
  if (!st) {
    print_error(st.error().describe());
    return exit_code_for(st.error());
  }
  if (broken) {
    if (ctx.json) {
      std::cout << R"({"intact":false,"subject":")" << broken->subject << R"(","sequence":)"
                << broken->sequence << R"(,"commits_verified":)" << verifier.commits_verified()
                << "}\n";
    } else {
      std::cout << "BROKEN at subject " << broken->subject << " sequence " << broken->sequence
                << ": " << broken->message << "\n";
    }
    return kExitFailed;
  }
  if (!opts.aggregate.empty() && verifier.commits_verified() == 0) {
    print_error("no commits found for aggregate '" + opts.aggregate + "'");
    return kExitFailed;
  }
  if (ctx.json) {
    std::cout << R"({"intact":true,"commits_verified":)" << verifier.commits_verified()
              << R"(,"subjects":)" << verifier.subjects() << "}\n";
  } else {
    std::cout << "intact: " << verifier.commits_verified() << " commits over "
              << verifier.subjects() << " aggregates\n";
  }
  return kExitOk;
}

}  // namespace

void add_audit_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto* audit = app.add_subcommand("audit", "Inspect and verify the event log's integrity");
  audit->require_subcommand(1);
  auto opts = std::make_shared<VerifyOptions>();
  auto* v = audit->add_subcommand(
      "verify", "Recompute hash chains and sequence continuity; exit 0 intact, 1 broken");
  v->add_option("--aggregate", opts->aggregate, "Verify one aggregate (e.g. biz_…)");
  v->add_flag("--all", opts->all, "Verify every aggregate in the log");
  v->add_option("--file", opts->file,
                "Verify an export file offline (chains, sequence continuity, completeness)");
  v->callback([&ctx, &exit_code, opts] { exit_code = verify(ctx, *opts); });

  auto booking = std::make_shared<BookingAuditOptions>();
  auto* b = audit->add_subcommand("booking", "Full history of one booking: who did what and when");
  b->add_option("ID", booking->booking_id, "Booking id (bkg_…)")->required();
  b->add_option("--business", booking->business_id,
                "Only scan this business's calendar (faster on a large log)");
  b->callback([&ctx, &exit_code, booking] { exit_code = audit_booking(ctx, *booking); });
}

}  // namespace slotwise::tools
