// NatsServerFixture: a real `nats-server -js` on a free loopback port with its
// store in a temporary directory, for integration tests. restart() keeps the
// port and the store, as an operator restarting the server would.
//
// Thread safety: none. Errors: throws std::runtime_error if the server does
// not come up (a test-boundary failure).
#pragma once

#include <csignal>
#include <memory>
#include <string>

#include "tests/support/process.h"

namespace slotwise::testing {

class NatsServerFixture {
 public:
  NatsServerFixture();
  ~NatsServerFixture();
  NatsServerFixture(const NatsServerFixture&) = delete;
  NatsServerFixture& operator=(const NatsServerFixture&) = delete;

  [[nodiscard]] std::string url() const;
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::string& store_dir() const { return store_dir_; }
  [[nodiscard]] pid_t pid() const { return process_.pid(); }

  void stop(int signal = SIGTERM);
  void start();
  void restart(int signal = SIGTERM) {
    stop(signal);
    start();
  }

 private:
  TempDir dir_;
  std::string store_dir_;
  int port_;
  Process process_;
};

}  // namespace slotwise::testing
