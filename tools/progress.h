// Progress of long work (export, restore, rebuild) on stderr, at most once a
// second:
//   export: 120000 commits, 48000/s, sequence 120000 of 1000000 [##-------] 12%, ETA 18s
// On a terminal the line is redrawn in place; otherwise one line per report,
// so logs stay readable. stdout is left to the command's result.
//
// Thread safety: one object per thread.
// Errors: none (a failed write to stderr is ignored).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace slotwise::tools {

class Progress {
 public:
  // `total_position` is the last position expected (0 = unknown).
  Progress(std::string verb, std::uint64_t total_position);
  // `done` items so far, the last at `position`.
  void update(std::uint64_t done, std::uint64_t position);
  // The last position expected changed (e.g. the stream grew meanwhile).
  void set_total(std::uint64_t total_position) { total_ = total_position; }
  // Final line: count, rate and elapsed time.
  void finish(std::uint64_t done);

 private:
  void print(std::uint64_t done, std::uint64_t position, bool final);

  std::string verb_;
  std::uint64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace slotwise::tools
