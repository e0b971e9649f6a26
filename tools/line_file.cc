#include "tools/line_file.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <climits>
#include <system_error>

namespace slotwise::tools {

namespace {

std::string os_error() { return std::error_code(errno, std::generic_category()).message(); }

std::string zlib_error(gzFile f) {
  int code = Z_OK;
  const char* msg = gzerror(f, &code);
  if (code == Z_ERRNO) return os_error();
  return msg == nullptr ? "zlib error" : msg;
}

}  // namespace

common::Result<std::unique_ptr<LineWriter>, std::string> LineWriter::create(const std::string& path,
                                                                            bool gzip) {
  // "T": zlib writes the bytes through uncompressed.
  GzPtr f(gzopen(path.c_str(), gzip ? "wb6" : "wbT"));
  if (!f) return common::fail("cannot create " + path + ": " + os_error());
  return std::unique_ptr<LineWriter>(new LineWriter(std::move(f), path));
}

common::Result<common::Unit, std::string> LineWriter::write_line(std::string_view line) {
  if (line.size() > static_cast<std::size_t>(INT_MAX - 1)) {
    return common::fail("line too long for " + path_);
  }
  const auto n = static_cast<unsigned>(line.size());
  if (n > 0 && gzwrite(file_.get(), line.data(), n) != static_cast<int>(n)) {
    return common::fail("cannot write " + path_ + ": " + zlib_error(file_.get()));
  }
  if (gzputc(file_.get(), '\n') != '\n') {
    return common::fail("cannot write " + path_ + ": " + zlib_error(file_.get()));
  }
  return common::Unit{};
}

common::Result<common::Unit, std::string> LineWriter::close() {
  const int rc = gzclose(file_.release());
  if (rc != Z_OK)
    return common::fail("cannot finish " + path_ + " (zlib code " + std::to_string(rc) + ")");
  return common::Unit{};
}

common::Result<std::unique_ptr<LineReader>, std::string> LineReader::open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return common::fail("cannot read " + path + ": " + os_error());
  if (S_ISDIR(st.st_mode)) return common::fail("cannot read " + path + ": is a directory");
  GzPtr f(gzopen(path.c_str(), "rb"));
  if (!f) return common::fail("cannot read " + path + ": " + os_error());
  return std::unique_ptr<LineReader>(new LineReader(std::move(f), path));
}

common::Result<std::optional<std::string>, std::string> LineReader::next() {
  std::string line;
  std::array<char, std::size_t{64} * 1024> buf{};
  bool any = false;
  while (true) {
    char* got = gzgets(file_.get(), buf.data(), static_cast<int>(buf.size()));
    if (got == nullptr) {
      int code = Z_OK;
      gzerror(file_.get(), &code);
      if (code != Z_OK && code != Z_BUF_ERROR) {
        return common::fail("cannot read " + path_ + " line " + std::to_string(line_ + 1) + ": " +
                            zlib_error(file_.get()));
      }
      if (code == Z_BUF_ERROR) {
        return common::fail(path_ + " is truncated (incomplete gzip stream) at line " +
                            std::to_string(line_ + 1));
      }
      break;
    }
    any = true;
    line.append(got);
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      break;
    }
  }
  if (!any) return std::optional<std::string>{};
  ++line_;
  return std::optional<std::string>(std::move(line));
}

}  // namespace slotwise::tools
