#include "tools/progress.h"

#include <unistd.h>

#include <iostream>
#include <string>

namespace slotwise::tools {
namespace {

// "[#####---------------] 25%"
std::string bar(std::uint64_t position, std::uint64_t total) {
  constexpr std::uint64_t kWidth = 20;
  const std::uint64_t percent = total == 0 ? 100 : position * 100 / total;
  const std::uint64_t filled = percent * kWidth / 100;
  return "[" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] " +
         std::to_string(percent) + "%";
}

}  // namespace

Progress::Progress(std::string verb, std::uint64_t total_position)
    : verb_(std::move(verb)), total_(total_position), tty_(isatty(STDERR_FILENO) == 1) {}

void Progress::update(std::uint64_t done, std::uint64_t position) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::seconds(1)) return;
  last_ = now;
  print(done, position, false);
}

void Progress::finish(std::uint64_t done) { print(done, 0, true); }

void Progress::print(std::uint64_t done, std::uint64_t position, bool final) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const auto rate = static_cast<std::uint64_t>(secs > 0 ? static_cast<double>(done) / secs : 0);
  std::string line =
      verb_ + ": " + std::to_string(done) + " commits, " + std::to_string(rate) + "/s";
  if (final) {
    line += ", " + std::to_string(static_cast<std::uint64_t>(secs * 1000)) + " ms";
  } else if (position > 0) {
    line += ", sequence " + std::to_string(position);
    if (total_ > 0 && position <= total_) {
      line += " of " + std::to_string(total_) + " " + bar(position, total_);
      if (rate > 0) line += ", ETA " + std::to_string((total_ - position) / rate) + "s";
    }
  }
  if (tty_) {
    std::cerr << "\r" << line << "\033[K" << (final ? "\n" : "") << std::flush;
  } else {
    std::cerr << line << "\n";
  }
}

}  // namespace slotwise::tools
