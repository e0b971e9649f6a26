// StopFlag: how a long-running worker loop (projector, notifier planner and
// sender) is told to stop, and how it sleeps between retries without
// delaying that stop: wait_for() returns as soon as stop is requested.
//
// Thread safety: thread-safe; request() from any thread (a signal handler's
// thread, a test), requested()/wait_for() from the worker.
// Errors: none.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace slotwise::service {

class StopFlag {
 public:
  void request() {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      stop_.store(true);
    }
    cv_.notify_all();
  }
  [[nodiscard]] bool requested() const { return stop_.load(); }
  // Sleeps for `d` or until stop is requested, whichever comes first.
  void wait_for(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, d, [&] { return stop_.load(); });
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace slotwise::service
