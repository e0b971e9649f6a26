// Test support: a child process started with posix_spawn, a temporary
// directory, and a free TCP port on loopback.
//
// Thread safety: none; each fixture is owned by one test.
// Errors: failures to start are thrown as std::runtime_error — this is test
// code at a process boundary, where an exception ends the test with a message.
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace slotwise::testing {

// 127.0.0.1:port as a socket address.
sockaddr_in loopback_address(int port);
// A loopback TCP port that was free a moment ago.
int free_port();
// True once something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "slotwise-test");
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Process {
 public:
  Process() = default;
  // argv[0] is looked up in PATH. stdout/stderr go to log_path.
  Process(std::vector<std::string> argv, const std::string& log_path);
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  ~Process();

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool running();
  // Sends `signal` and waits up to `timeout` for exit; SIGKILL after that.
  // Returns the exit status as from waitpid.
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for the process to exit by itself; returns the waitpid status.
  int wait();
  // Like wait(), for at most `timeout`: nullopt (the process left running)
  // when it has not exited by then.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
};

// Runs a command to completion; returns its exit code (-1 if it did not start).
int run_command(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace slotwise::testing
