#include "tools/export_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_set>

#include "events/commit_codec.h"
#include "tools/export_format.h"
#include "tools/json_out.h"
#include "tools/line_file.h"
#include "tools/progress.h"
#include "tools/subject_filter.h"
#include "tools/time_arg.h"

namespace slotwise::tools {

namespace {

struct Range {
  events::ScanRange scan;
  std::int64_t to_time_ns = 0;
};

// Validates the options into a scan range; a message on bad input.
common::Result<Range, std::string> range_of(const ExportOptions& o) {
  Range r;
  r.scan.from_sequence = o.from_seq == 0 ? 1 : o.from_seq;
  r.scan.to_sequence = o.to_seq;
  r.scan.with_headers = true;
  if (!o.from_time.empty()) {
    auto t = parse_time_arg("--from-time", o.from_time);
    if (!t) return common::fail(t.error());
    r.scan.from_time_ns = t.value();
  }
  if (!o.to_time.empty()) {
    auto t = parse_time_arg("--to-time", o.to_time);
    if (!t) return common::fail(t.error());
    r.to_time_ns = t.value();
  }
  if (o.to_seq > 0 && o.from_seq > o.to_seq) {
    return common::fail("empty range: --from-seq " + std::to_string(o.from_seq) +
                        " is after --to-seq " + std::to_string(o.to_seq));
  }
  if (r.to_time_ns > 0 && r.scan.from_time_ns > r.to_time_ns) {
    return common::fail(std::string("empty range: --from-time is after --to-time"));
  }
  return r;
}

struct ExportState {
  std::unique_ptr<LineWriter> writer;
  std::unordered_set<std::string> subjects;
  ExportEnd end;
  std::optional<std::string> failure;
};

int finish_failed(const std::string& partial, const std::string& message, int code) {
  std::error_code ec;
  std::filesystem::remove(partial, ec);
  print_error(message);
  return code;
}

// Writes one scanned commit; false stops the scan (end of range or failure).
bool export_commit(const events::EventStore& store, std::int64_t to_time_ns, ExportState& st,
                   Progress& progress, events::Result<events::StoredCommit>&& c) {
  if (!c) {
    st.failure = "cannot export: " + c.error().describe();
    return false;
  }
  if (to_time_ns > 0 && c->timestamp_ns > to_time_ns) return false;
  std::string previous_hash;
  if (st.subjects.insert(c->subject).second && c->commit.previous_version() > 0) {
    // The subject's chain starts before the range: record the hash it
    // continues from, so the file verifies on its own.
    auto prev = store.commit_at(c->commit.previous_version());
    if (!prev || !prev.value()) {
      st.failure = "cannot read the predecessor (sequence " +
                   std::to_string(c->commit.previous_version()) + ") of " + c->subject;
      return false;
    }
    previous_hash = prev.value()->hash_hex;
  }
  if (auto w = st.writer->write_line(commit_line(c.value(), previous_hash)); !w) {
    st.failure = w.error();
    return false;
  }
  if (st.end.first_sequence == 0) st.end.first_sequence = c->sequence;
  st.end.last_sequence = c->sequence;
  ++st.end.commits;
  progress.update(st.end.commits, c->sequence);
  return true;
}

// Completes the file (end record, close, rename) and prints the summary.
int finish_export(const CliContext& ctx, const std::string& partial, const std::string& out,
                  ExportState& st) {
  if (st.end.commits == 0) {
    return finish_failed(partial, "nothing to export: no commits in the given range", kExitFailed);
  }
  if (auto w = st.writer->write_line(end_line(st.end)); !w) {
    return finish_failed(partial, w.error(), kExitFailed);
  }
  if (auto closed = st.writer->close(); !closed) {
    return finish_failed(partial, closed.error(), kExitFailed);
  }
  std::error_code ec;
  std::filesystem::rename(partial, out, ec);
  if (ec) return finish_failed(partial, "cannot rename to " + out + ": " + ec.message(), 1);
  if (ctx.json) {
    std::cout << JsonOut()
                     .str("file", out)
                     .num("commits", st.end.commits)
                     .num("first_sequence", st.end.first_sequence)
                     .num("last_sequence", st.end.last_sequence)
                     .num("subjects", st.subjects.size())
                     .finish()
              << "\n";
  } else {
    std::cout << "exported " << st.end.commits << " commits (sequences " << st.end.first_sequence
              << ".." << st.end.last_sequence << ", " << st.subjects.size() << " aggregates) to "
              << out << "\n";
  }
  return kExitOk;
}

ExportHeader header_of(const CliContext& ctx, const ExportOptions& opts, const Range& range) {
  ExportHeader header;
  header.stream = ctx.stream;
  header.filter = range.scan.filter_subject;
  header.from_sequence = range.scan.from_sequence;
  header.to_sequence = range.scan.to_sequence;
  header.from_time = opts.from_time;
  header.to_time = opts.to_time;
  header.exported_at = events::format_rfc3339(std::chrono::system_clock::now());
  return header;
}

}  // namespace

int run_export(const CliContext& ctx, const ExportOptions& opts) {
  auto range = range_of(opts);
  if (!range) {
    print_error(range.error());
    return kExitUsage;
  }
  std::error_code ec;
  if (!opts.force && std::filesystem::exists(opts.out, ec)) {
    print_error(opts.out + " exists; choose another --out or pass --force to replace it");
    return kExitUsage;
  }
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  auto filter = subject_filter(store->stream().subject_prefix, opts.category, opts.aggregate);
  if (!filter) {
    print_error(filter.error());
    return kExitUsage;
  }
  range->scan.filter_subject = filter.value();
  auto state = store->state();
  if (!state) {
    print_error(state.error().code == events::ErrorCode::kNotFound
                    ? "stream " + ctx.stream + " does not exist"
                    : state.error().describe());
    return exit_code_for(state.error());
  }
  const std::string partial = opts.out + ".partial";
  auto writer = LineWriter::create(partial, opts.gzip);
  if (!writer) {
    print_error(writer.error());
    return kExitFailed;
  }
  ExportState st;
  st.writer = std::move(writer).value();
  if (auto w = st.writer->write_line(header_line(header_of(ctx, opts, range.value()))); !w) {
    return finish_failed(partial, w.error(), kExitFailed);
  }
  Progress progress("export", opts.to_seq > 0 ? opts.to_seq : state->last_sequence);
  auto scanned = store->scan(range->scan, [&](events::Result<events::StoredCommit>&& c) {
    return export_commit(*store, range->to_time_ns, st, progress, std::move(c));
  });
  if (!scanned) {
    return finish_failed(partial, scanned.error().describe(), exit_code_for(scanned.error()));
  }
  if (st.failure) return finish_failed(partial, *st.failure, kExitFailed);
  const int code = finish_export(ctx, partial, opts.out, st);
  if (code == kExitOk) progress.finish(st.end.commits);
  return code;
}

}  // namespace slotwise::tools
