// The export file format (docs/cli.md "Export file format"): NDJSON, one
// JSON object per line, each with a "kind":
//   header  {"kind":"header","format":"slotwise-export","version":1,"stream",
//            "filter","from_sequence","to_sequence","from_time","to_time",
//            "exported_at"}
//   commit  {"kind":"commit","sequence","subject","time","headers":{name:
//            value or [values]},"data": base64 of the exact stored bytes,
//            "previous_hash": chain hash before this commit (only on a
//            subject's first commit in the file when it is not the
//            subject's first commit in the log),"commit": proto3 JSON}
//   end     {"kind":"end","commits","first_sequence","last_sequence"}
// "data" and the sw-hash header are what restore and verify use; "commit"
// is a convenience copy for readers (verify checks it matches the bytes).
//
// Thread safety: pure functions.
// Errors: parse_export_line() returns a message saying what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "events/append_request.h"

namespace slotwise::tools {

inline constexpr const char* kExportFormat = "slotwise-export";
inline constexpr int kExportVersion = 1;

struct ExportHeader {
  std::string stream;
  std::string filter;  // "" = the whole log
  std::uint64_t from_sequence = 0;
  std::uint64_t to_sequence = 0;  // 0 = to the end
  std::string from_time;
  std::string to_time;
  std::string exported_at;
};

struct ExportRecord {
  std::uint64_t sequence = 0;
  std::string subject;
  std::string time;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload;        // decoded "data"
  std::string previous_hash;  // "" unless present
  std::string commit_json;    // the "commit" member as written (compact)
  [[nodiscard]] std::string header(std::string_view name) const;
};

struct ExportEnd {
  std::uint64_t commits = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
};

struct ExportLine {
  enum class Kind { kHeader, kCommit, kEnd };
  Kind kind = Kind::kCommit;
  ExportHeader header;
  ExportRecord record;
  ExportEnd end;
};

[[nodiscard]] std::string header_line(const ExportHeader& h);
[[nodiscard]] std::string commit_line(const events::StoredCommit& c,
                                      const std::string& previous_hash);
[[nodiscard]] std::string end_line(const ExportEnd& e);

// Parses one line. Commit records keep "data" decoded (strict base64).
[[nodiscard]] common::Result<ExportLine, std::string> parse_export_line(std::string_view line);

[[nodiscard]] std::string base64_encode(std::string_view bytes);
// Strict: only canonical base64 (what base64_encode writes) is accepted.
[[nodiscard]] common::Result<std::string, std::string> base64_decode(std::string_view text);

// Whether two JSON texts hold the same value (member order ignored).
[[nodiscard]] bool same_json(std::string_view a, std::string_view b);

}  // namespace slotwise::tools
