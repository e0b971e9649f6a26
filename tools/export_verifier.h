// Verifies an export file offline, line by line: the format (header first,
// end record last), each record's consistency (the subject is
// <prefix>.<category>.<id> of the stream's subject prefix, the commit bytes
// parse and name exactly that category and id, the reader-facing "commit" copy matches them),
// the audit hash chain and per-subject sequence continuity (previous_version)
// as events/hash_chain.h's ChainVerifier does for the live log, and — for an
// export of the whole log — that sequences are contiguous. The end record's
// counts must match what was read, so a truncated file is caught too.
//
// Thread safety: a value, one per thread.
// Errors: the first broken link as an ExportBreak naming line, subject and
// original sequence (subject empty when the line could not be read at all).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "events/hash_chain.h"
#include "events/stream_spec.h"
#include "tools/export_format.h"

namespace slotwise::tools {

struct ExportBreak {
  std::size_t line = 0;
  std::string subject;
  std::uint64_t sequence = 0;
  std::string message;

  // "subject S sequence N (line L): message" or "line L: message".
  [[nodiscard]] std::string describe() const;
};

class ExportVerifier {
 public:
  // `subject_prefix`: the stream's, e.g. "sw.evt" (subjects outside it break).
  explicit ExportVerifier(std::string subject_prefix = events::StreamSpec{}.subject_prefix)
      : prefix_(std::move(subject_prefix)) {}

  // Checks the next line; nullopt while everything is intact. After a
  // commit line, record() is the parsed commit.
  [[nodiscard]] std::optional<ExportBreak> add_line(std::string_view line);
  // Call at the end of the file.
  [[nodiscard]] std::optional<ExportBreak> finish() const;

  [[nodiscard]] bool last_was_commit() const { return last_was_commit_; }
  [[nodiscard]] const ExportRecord& record() const { return record_; }
  [[nodiscard]] const ExportHeader& header() const { return header_; }
  [[nodiscard]] std::uint64_t commits() const { return chain_.commits_verified(); }
  [[nodiscard]] std::size_t subjects() const { return chain_.subjects(); }
  [[nodiscard]] std::uint64_t first_sequence() const { return first_sequence_; }
  [[nodiscard]] std::uint64_t last_sequence() const { return last_sequence_; }
  // The file holds the log from sequence 1 without gaps (restorable with
  // the original sequences).
  [[nodiscard]] bool complete_from_start() const;

 private:
  [[nodiscard]] std::optional<ExportBreak> check_commit(const ExportRecord& r);
  [[nodiscard]] bool seen_subject(const std::string& s) const { return subjects_seen_.contains(s); }

  std::string prefix_;
  events::ChainVerifier chain_;
  std::unordered_set<std::string> subjects_seen_;
  ExportHeader header_;
  ExportRecord record_;
  std::size_t line_ = 0;
  bool seen_header_ = false;
  bool seen_end_ = false;
  bool last_was_commit_ = false;
  std::uint64_t first_sequence_ = 0;
  std::uint64_t last_sequence_ = 0;
};

}  // namespace slotwise::tools
