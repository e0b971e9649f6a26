#include "service/signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <system_error>
#include <utility>

namespace slotwise::service {
namespace {

using common::fail;

// Bytes on the self-pipe besides signal numbers (which are 1..64).
constexpr unsigned char kQuit = 0;           // destructor: the watcher exits
constexpr unsigned char kRequestStop = 255;  // request_stop()

constexpr std::array<int, 2> kSignals = {SIGTERM, SIGINT};

// The write end of the live instance's pipe, -1 when none. A lock-free
// atomic is one of the few things a signal handler may read.
std::atomic<int> g_write_fd{-1};
std::array<struct sigaction, kSignals.size()> g_previous{};
std::atomic<bool> g_installed{false};

void write_byte(int fd, unsigned char byte) {
  // The pipe is non-blocking: if it is full, a byte is already waiting, and
  // the watcher will wake anyway.
  while (::write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

// Only async-signal-safe calls: errno save/restore, an atomic load, write().
extern "C" void on_signal(int signal_number) {
  const int saved_errno = errno;
  const int fd = g_write_fd.load();
  if (fd >= 0) write_byte(fd, static_cast<unsigned char>(signal_number));
  errno = saved_errno;
}

// strerror() is not thread-safe; this is.
std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::error_code(errno, std::generic_category()).message();
}

}  // namespace

common::Result<std::unique_ptr<ShutdownSignals>, std::string> ShutdownSignals::install(
    Callback on_stop) {
  if (g_installed.exchange(true)) {
    return fail(std::string("ShutdownSignals is already installed in this process"));
  }
  std::array<int, 2> fds{-1, -1};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    g_installed = false;
    return fail(errno_text("pipe2"));
  }
  // Only the write end is non-blocking (see write_byte); the watcher blocks.
  if (::fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
    const std::string error = errno_text("fcntl");
    ::close(fds[0]);
    ::close(fds[1]);
    g_installed = false;
    return fail(error);
  }
  std::unique_ptr<ShutdownSignals> self(new ShutdownSignals(std::move(on_stop), fds[0], fds[1]));
  try {
    self->watcher_ = std::thread([s = self.get()] { s->watch(); });
  } catch (const std::system_error& e) {
    return fail(std::string("cannot start the signal watcher thread: ") + e.what());
  }
  // Remember every previous disposition before changing any, so that the
  // destructor restores exactly what was there even if a sigaction fails.
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    if (::sigaction(kSignals[i], nullptr, &g_previous[i]) != 0) {
      return fail(errno_text("sigaction"));
    }
  }
  g_write_fd = fds[1];
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  for (const int signal_number : kSignals) {
    if (::sigaction(signal_number, &action, nullptr) != 0) {
      return fail(errno_text("sigaction"));  // the destructor restores and cleans up
    }
  }
  return self;
}

ShutdownSignals::ShutdownSignals(Callback on_stop, int read_fd, int write_fd)
    : on_stop_(std::move(on_stop)), read_fd_(read_fd), write_fd_(write_fd) {}

ShutdownSignals::~ShutdownSignals() {
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    ::sigaction(kSignals[i], &g_previous[i], nullptr);
  }
  g_write_fd = -1;
  if (watcher_.joinable()) {
    write_byte(write_fd_, kQuit);
    watcher_.join();
  }
  ::close(read_fd_);
  ::close(write_fd_);
  g_installed = false;
}

void ShutdownSignals::watch() {
  bool handled = false;
  for (;;) {
    unsigned char byte = 0;
    const ssize_t n = ::read(read_fd_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || byte == kQuit) return;
    if (handled) continue;  // the callback runs once
    handled = true;
    signal_number_ = byte == kRequestStop ? 0 : byte;
    if (on_stop_) on_stop_(signal_number_.load());
    {
      const std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }
}

void ShutdownSignals::wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stopped_.load(); });
}

// NOLINTNEXTLINE(readability-make-member-function-const): it starts the shutdown.
void ShutdownSignals::request_stop() { write_byte(write_fd_, kRequestStop); }

}  // namespace slotwise::service
