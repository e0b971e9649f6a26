// Line-oriented files that may be gzip-compressed (zlib): LineWriter writes
// plain or gzip, LineReader reads either (zlib detects the gzip magic and
// reads plain files transparently). Used for export files (NDJSON).
//
// Thread safety: one object per thread.
// Errors: values with a message naming the file and the OS/zlib reason.
#pragma once

#include <zlib.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace slotwise::tools {

struct GzCloser {
  void operator()(gzFile f) const noexcept {
    if (f != nullptr) gzclose(f);
  }
};
using GzPtr = std::unique_ptr<gzFile_s, GzCloser>;

class LineWriter {
 public:
  [[nodiscard]] static common::Result<std::unique_ptr<LineWriter>, std::string> create(
      const std::string& path, bool gzip);
  // Writes `line` and a newline.
  [[nodiscard]] common::Result<common::Unit, std::string> write_line(std::string_view line);
  // Flushes and closes; the file is complete only if this succeeds.
  [[nodiscard]] common::Result<common::Unit, std::string> close();

 private:
  LineWriter(GzPtr f, std::string path) : file_(std::move(f)), path_(std::move(path)) {}
  GzPtr file_;
  std::string path_;
};

class LineReader {
 public:
  [[nodiscard]] static common::Result<std::unique_ptr<LineReader>, std::string> open(
      const std::string& path);
  // The next line without its newline; nullopt at the end of the file.
  [[nodiscard]] common::Result<std::optional<std::string>, std::string> next();
  [[nodiscard]] std::size_t line_number() const { return line_; }

 private:
  LineReader(GzPtr f, std::string path) : file_(std::move(f)), path_(std::move(path)) {}
  GzPtr file_;
  std::string path_;
  std::size_t line_ = 0;
};

}  // namespace slotwise::tools
