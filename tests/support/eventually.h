// eventually(): polls a condition until it holds or a bound passes, for
// tests that wait on another thread or process (a projector catching up, a
// server becoming ready). Returns the condition's last answer.
//
// Thread safety: calls `done` from the calling thread only.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace slotwise::testing {

inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10),
                       std::chrono::milliseconds step = std::chrono::milliseconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(step);
  }
  return done();
}

}  // namespace slotwise::testing
