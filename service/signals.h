// ShutdownSignals: turns SIGTERM and SIGINT into an orderly shutdown.
//
// A signal handler may only do async-signal-safe work, so ours writes the
// signal number into a self-pipe and returns; a watcher thread reads the pipe
// and does the real work there: it sets the stop flag, wakes wait(), and runs
// the callback (e.g. HttpServer::stop, draining in-flight appends). The
// callback runs once, for the first signal. Handlers are installed with
// SA_RESETHAND: a second SIGTERM/SIGINT gets the default action and kills the
// process at once, the usual escape hatch when a drain hangs.
//
// Typical main():
//   auto signals = ShutdownSignals::install([&](int) { server.stop(); });
//   ... start the server ...
//   signals.value()->wait();
//
// Thread safety: stop_requested(), signal_number(), wait() and request_stop()
// may be called from any thread. The callback runs on the watcher thread; it
// must not destroy the ShutdownSignals object.
// Errors: install() fails if another instance is alive (signal dispositions
// are process-wide) or if pipe()/sigaction()/the thread cannot be created.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"

namespace slotwise::service {

class ShutdownSignals {
 public:
  // Receives the signal number, or 0 when request_stop() started the shutdown.
  using Callback = std::function<void(int signal_number)>;

  [[nodiscard]] static common::Result<std::unique_ptr<ShutdownSignals>, std::string> install(
      Callback on_stop = {});

  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;
  ShutdownSignals(ShutdownSignals&&) = delete;
  ShutdownSignals& operator=(ShutdownSignals&&) = delete;
  // Restores the previous signal dispositions and joins the watcher thread.
  ~ShutdownSignals();

  // True once a signal arrived or request_stop() was called, and the callback
  // (if any) has returned.
  [[nodiscard]] bool stop_requested() const { return stopped_.load(); }
  // The first signal received; 0 if none, or if request_stop() came first.
  [[nodiscard]] int signal_number() const { return signal_number_.load(); }

  // Blocks until stop_requested() is true.
  void wait();
  // Starts the same shutdown as a signal would (e.g. on a fatal error).
  void request_stop();

 private:
  ShutdownSignals(Callback on_stop, int read_fd, int write_fd);
  void watch();

  Callback on_stop_;
  int read_fd_;
  int write_fd_;
  std::atomic<bool> stopped_{false};
  std::atomic<int> signal_number_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread watcher_;
};

}  // namespace slotwise::service
