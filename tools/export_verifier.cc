#include "tools/export_verifier.h"

#include <unordered_set>

#include "events/aggregate.h"
#include "slotwise/events/v1/commit.pb.h"
#include "tools/commit_json.h"

namespace slotwise::tools {

std::string ExportBreak::describe() const {
  if (subject.empty()) return "line " + std::to_string(line) + ": " + message;
  return "subject " + subject + " sequence " + std::to_string(sequence) + " (line " +
         std::to_string(line) + "): " + message;
}

bool ExportVerifier::complete_from_start() const {
  return seen_header_ && header_.filter.empty() && first_sequence_ == 1;
}

std::optional<ExportBreak> ExportVerifier::add_line(std::string_view line) {
  ++line_;
  last_was_commit_ = false;
  auto fail = [this](std::string msg) {
    return std::optional<ExportBreak>(ExportBreak{line_, "", 0, std::move(msg)});
  };
  if (seen_end_) return fail("content after the end record");
  auto parsed = parse_export_line(line);
  if (!parsed) {
    // Name the commit the unreadable line follows, so the damage can be located.
    return fail(parsed.error() + (last_sequence_ > 0
                                      ? " (after sequence " + std::to_string(last_sequence_) + ")"
                                      : ""));
  }
  switch (parsed->kind) {
    case ExportLine::Kind::kHeader:
      if (seen_header_ || line_ != 1) return fail("header record not on the first line");
      seen_header_ = true;
      header_ = parsed->header;
      return std::nullopt;
    case ExportLine::Kind::kEnd: {
      if (!seen_header_) return fail("no header record: not a slotwise export");
      seen_end_ = true;
      const ExportEnd& e = parsed->end;
      if (e.commits != commits() || e.first_sequence != first_sequence_ ||
          e.last_sequence != last_sequence_) {
        return fail("end record says " + std::to_string(e.commits) + " commits, sequences " +
                    std::to_string(e.first_sequence) + ".." + std::to_string(e.last_sequence) +
                    ", but the file holds " + std::to_string(commits()) + ", " +
                    std::to_string(first_sequence_) + ".." + std::to_string(last_sequence_) +
                    " (commits were removed or added)");
      }
      return std::nullopt;
    }
    case ExportLine::Kind::kCommit:
      if (!seen_header_) return fail("no header record: not a slotwise export");
      record_ = std::move(parsed->record);
      if (auto broken = check_commit(record_)) return broken;
      last_was_commit_ = true;
      return std::nullopt;
  }
  return fail("unknown record");
}

std::optional<ExportBreak> ExportVerifier::check_commit(const ExportRecord& r) {
  auto broken = [&](std::string msg) {
    return std::optional<ExportBreak>(ExportBreak{line_, r.subject, r.sequence, std::move(msg)});
  };
  if (r.sequence <= last_sequence_) {
    return broken("sequence does not increase (previous line has " +
                  std::to_string(last_sequence_) + ")");
  }
  if (header_.filter.empty() && last_sequence_ > 0 && r.sequence != last_sequence_ + 1) {
    return broken("sequence gap: the whole-log export jumps from " +
                  std::to_string(last_sequence_) + " (missing commits)");
  }
  slotwise::events::v1::Commit commit;
  if (!commit.ParseFromString(r.payload)) return broken("commit bytes do not parse");
  // Exactly <prefix>.<category>.<id> of the commit: a subject that only ends
  // like it (another prefix) would be refused by the stream half-way through
  // a restore.
  auto ref = events::aggregate_of(prefix_, r.subject);
  if (!ref) {
    return broken("the subject is not " + prefix_ + ".<category>.<id> of this stream (" +
                  ref.error().message + ")");
  }
  if (ref->category != commit.category() || ref->id != commit.aggregate_id()) {
    return broken("commit bytes name another aggregate than the subject");
  }
  if (const std::string id = r.header("ce-id"); !id.empty() && id != commit.commit_id()) {
    return broken("ce-id header differs from the commit id in the bytes");
  }
  if (!same_json(r.commit_json, commit_json(commit))) {
    return broken("the decoded \"commit\" copy differs from the commit bytes");
  }
  if (!r.previous_hash.empty()) {
    auto seed = events::digest_from_hex(r.previous_hash);
    if (!seed) return broken("previous_hash is not a hex SHA-256");
    if (!seen_subject(r.subject)) {
      chain_.seed(r.subject, commit.previous_version(), seed.value());
    }
  }
  const std::string hash = r.header("sw-hash");
  auto ok = chain_.add({r.subject, r.sequence, commit.previous_version(), r.payload, hash});
  if (!ok) {
    std::string msg = ok.error().message;
    if (commit.previous_version() > 0 && r.previous_hash.empty() && !seen_subject(r.subject)) {
      msg += " (the subject's earlier commits are not in this file)";
    }
    return broken(msg);
  }
  subjects_seen_.insert(r.subject);
  if (first_sequence_ == 0) first_sequence_ = r.sequence;
  last_sequence_ = r.sequence;
  return std::nullopt;
}

}  // namespace slotwise::tools

namespace slotwise::tools {

std::optional<ExportBreak> ExportVerifier::finish() const {
  if (!seen_header_) return ExportBreak{line_, "", 0, "empty file: not a slotwise export"};
  if (!seen_end_) {
    return ExportBreak{line_, record_.subject, last_sequence_,
                       "the file ends without its end record (truncated export)"};
  }
  return std::nullopt;
}

}  // namespace slotwise::tools
