#include "tools/audit_command.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "events/hash_chain.h"

namespace slotwise::tools {

namespace {

struct VerifyOptions {
  std::string aggregate;
  bool all = false;
};

int verify(const CliContext& ctx, const VerifyOptions& opts) {
  if (opts.all == !opts.aggregate.empty()) {
    print_error("audit verify needs exactly one of --aggregate ID or --all");
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
  v->callback([&ctx, &exit_code, opts] { exit_code = verify(ctx, *opts); });
}

}  // namespace slotwise::tools
