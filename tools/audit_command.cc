#include "tools/audit_command.h"

#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include "events/hash_chain.h"
#include "tools/audit_booking.h"
#include "tools/export_verifier.h"
#include "tools/json_out.h"
#include "tools/line_file.h"

namespace slotwise::tools {

namespace {

void print_file_break(const CliContext& ctx, const ExportBreak& b) {
  if (ctx.json) {
    std::cout << JsonOut()
                     .boolean("intact", false)
                     .num("line", b.line)
                     .str("subject", b.subject)
                     .num("sequence", b.sequence)
                     .finish()
              << "\n";
  } else {
    std::cout << "BROKEN at " << b.describe() << "\n";
  }
}

// Verifies an export file offline (no server needed). With `aggregate`
// the whole file is still verified (a record of that aggregate is only
// intact if the file is), and the aggregate must have commits in it; with
// `whole_log` the file must hold the log from sequence 1 without gaps, as
// --all requires of the live log.
int verify_file(const CliContext& ctx, const AuditVerifyOptions& opts) {
  auto reader = LineReader::open(opts.file);
  if (!reader) {
    print_error(reader.error());
    return kExitFailed;
  }
  ExportVerifier verifier;
  const std::string suffix = "." + opts.aggregate;
  std::uint64_t aggregate_commits = 0;
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
    if (!opts.aggregate.empty() && verifier.last_was_commit() &&
        verifier.record().subject.ends_with(suffix)) {
      ++aggregate_commits;
    }
  }
  if (auto broken = verifier.finish()) {
    print_file_break(ctx, *broken);
    return kExitFailed;
  }
  if (!opts.aggregate.empty() && aggregate_commits == 0) {
    print_error("no commits found for aggregate '" + opts.aggregate + "' in " + opts.file);
    return kExitFailed;
  }
  if (opts.all && !verifier.complete_from_start()) {
    print_error(opts.file + " does not hold the whole log from sequence 1 (sequences " +
                std::to_string(verifier.first_sequence()) + ".." +
                std::to_string(verifier.last_sequence()) + "); drop --all to verify a range");
    return kExitFailed;
  }
  if (ctx.json) {
    JsonOut out;
    out.boolean("intact", true)
        .num("commits_verified", verifier.commits())
        .num("subjects", verifier.subjects())
        .num("first_sequence", verifier.first_sequence())
        .num("last_sequence", verifier.last_sequence());
    if (!opts.aggregate.empty()) out.num("aggregate_commits", aggregate_commits);
    std::cout << out.finish() << "\n";
  } else {
    std::cout << "intact: " << verifier.commits() << " commits over " << verifier.subjects()
              << " aggregates in " << opts.file << " (sequences " << verifier.first_sequence()
              << ".." << verifier.last_sequence() << ")";
    if (!opts.aggregate.empty()) {
      std::cout << ", " << aggregate_commits << " of them " << opts.aggregate << "'s";
    }
    std::cout << "\n";
  }
  return kExitOk;
}

events::Error chain_break(std::string subject, std::uint64_t sequence, std::string message) {
  events::Error e;
  e.code = events::ErrorCode::kChainBroken;
  e.subject = std::move(subject);
  e.sequence = sequence;
  e.message = std::move(message);
  return e;
}

// With --all the log must be every sequence from 1 to the last: a stream
// without DenyDelete/DenyPurge could have lost whole aggregates, which no
// per-subject chain notices. `next` is the sequence the commit must have.
std::optional<events::Error> sequence_gap(const std::string& subject, std::uint64_t sequence,
                                          std::uint64_t next) {
  if (sequence == next) return std::nullopt;
  if (next == 1) {
    return chain_break(subject, sequence,
                       "the log starts at sequence " + std::to_string(sequence) +
                           ", not 1 (commits were deleted or purged)");
  }
  return chain_break(subject, sequence,
                     "sequence gap: the log jumps from " + std::to_string(next - 1) + " to " +
                         std::to_string(sequence) + " (commits were deleted)");
}

// Scans `range` through `verifier`; the first broken link, if any (the
// scan's own failure is returned as its error).
events::Result<std::optional<events::Error>> scan_chains(const events::EventStore& store,
                                                         const events::ScanRange& range,
                                                         bool contiguous,
                                                         events::ChainVerifier& verifier,
                                                         std::uint64_t& next) {
  std::optional<events::Error> broken;
  auto st = store.scan(range, [&](events::Result<events::StoredCommit>&& c) {
    if (contiguous) {
      broken = c ? sequence_gap(c->subject, c->sequence, next)
                 : sequence_gap(c.error().subject, c.error().sequence, next);
      if (broken) return false;
      ++next;
    }
    if (!c) {
      broken = chain_break(c.error().subject, c.error().sequence,
                           "commit cannot be decoded: " + c.error().message);
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
  if (!st) return common::Unexpected<events::Error>{st.error()};
  return broken;
}

// After a gapless scan of 1..next-1: the stream must end there and hold
// exactly that many messages.
std::optional<events::Error> check_end(const events::StreamState& state, std::uint64_t next) {
  if (next - 1 != state.last_sequence || state.messages != state.last_sequence) {
    return chain_break("", state.last_sequence,
                       "the stream holds " + std::to_string(state.messages) +
                           " messages and its last sequence is " +
                           std::to_string(state.last_sequence) + ", but sequences 1.." +
                           std::to_string(next - 1) + " were read (commits were deleted)");
  }
  return std::nullopt;
}

void print_live_break(const CliContext& ctx, const events::Error& broken,
                      std::uint64_t commits_verified) {
  if (ctx.json) {
    std::cout << JsonOut()
                     .boolean("intact", false)
                     .str("subject", broken.subject)
                     .num("sequence", broken.sequence)
                     .num("commits_verified", commits_verified)
                     .finish()
              << "\n";
  } else if (broken.subject.empty()) {
    std::cout << "BROKEN at sequence " << broken.sequence << ": " << broken.message << "\n";
  } else {
    std::cout << "BROKEN at subject " << broken.subject << " sequence " << broken.sequence << ": "
              << broken.message << "\n";
  }
}

int verify_live(const CliContext& ctx, const AuditVerifyOptions& opts) {
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  events::ScanRange range;
  events::StreamState state;
  if (!opts.aggregate.empty()) {
    // Ids are unique across categories, so one wildcard token finds it.
    range.filter_subject = store->stream().subject_prefix + ".*." + opts.aggregate;
  } else {
    auto st = store->state();
    if (!st) {
      print_error(st.error().code == events::ErrorCode::kNotFound
                      ? "stream " + ctx.stream + " does not exist"
                      : st.error().describe());
      return exit_code_for(st.error());
    }
    state = st.value();
    range.to_sequence = state.last_sequence;  // what the counts below describe
  }
  events::ChainVerifier verifier;
  std::uint64_t next = 1;
  std::optional<events::Error> broken;
  if (opts.aggregate.empty() && state.last_sequence == 0) {
    broken = check_end(state, next);  // nothing to scan (to_sequence 0 would mean "to the end")
  } else {
    auto scanned = scan_chains(*store, range, opts.all, verifier, next);
    if (!scanned) {
      print_error(scanned.error().describe());
      return exit_code_for(scanned.error());
    }
    broken = scanned.value();
    if (!broken && opts.all) broken = check_end(state, next);
  }
  if (broken) {
    print_live_break(ctx, *broken, verifier.commits_verified());
    return kExitFailed;
  }
  if (!opts.aggregate.empty() && verifier.commits_verified() == 0) {
    print_error("no commits found for aggregate '" + opts.aggregate + "'");
    return kExitFailed;
  }
  if (ctx.json) {
    std::cout << JsonOut()
                     .boolean("intact", true)
                     .num("commits_verified", verifier.commits_verified())
                     .num("subjects", verifier.subjects())
                     .finish()
              << "\n";
  } else {
    std::cout << "intact: " << verifier.commits_verified() << " commits over "
              << verifier.subjects() << " aggregates\n";
  }
  return kExitOk;
}

}  // namespace

int run_audit_verify(const CliContext& ctx, AuditVerifyOptions opts) {
  if (opts.all && !opts.aggregate.empty()) {
    print_error("audit verify takes --aggregate ID or --all, not both");
    return kExitUsage;
  }
  if (!opts.aggregate.empty() && !events::is_valid_token(opts.aggregate)) {
    print_error("'" + opts.aggregate + "' is not a valid aggregate id");
    return kExitUsage;
  }
  if (!opts.file.empty()) return verify_file(ctx, opts);
  // Neither: the whole log, as --all (issue 6's grammar makes both optional).
  if (opts.aggregate.empty()) opts.all = true;
  return verify_live(ctx, opts);
}

}  // namespace slotwise::tools
