// ShutdownSignals: SIGTERM/SIGINT become one callback and a stop flag.
#include "service/signals.h"

#include <doctest/doctest.h>

#include <unistd.h>
#include <csignal>

#include <atomic>

using slotwise::service::ShutdownSignals;

TEST_CASE("SIGTERM runs the callback once with the signal number and releases wait()") {
  std::atomic<int> calls{0};
  std::atomic<int> seen{-1};
  auto installed = ShutdownSignals::install([&](int signal_number) {
    ++calls;
    seen = signal_number;
  });
  REQUIRE(installed.ok());
  auto& signals = *installed.value();
  CHECK_FALSE(signals.stop_requested());
  REQUIRE(::kill(::getpid(), SIGTERM) == 0);
  signals.wait();
  CHECK(signals.stop_requested());
  CHECK(signals.signal_number() == SIGTERM);
  CHECK(calls == 1);
  CHECK(seen == SIGTERM);
}

TEST_CASE("SIGINT is handled the same way") {
  std::atomic<int> seen{-1};
  auto installed = ShutdownSignals::install([&](int signal_number) { seen = signal_number; });
  REQUIRE(installed.ok());
  REQUIRE(::kill(::getpid(), SIGINT) == 0);
  installed.value()->wait();
  CHECK(seen == SIGINT);
  CHECK(installed.value()->signal_number() == SIGINT);
}

TEST_CASE("request_stop() starts the same shutdown without a signal; repeats are ignored") {
  std::atomic<int> calls{0};
  std::atomic<int> seen{-1};
  auto installed = ShutdownSignals::install([&](int signal_number) {
    ++calls;
    seen = signal_number;
  });
  REQUIRE(installed.ok());
  installed.value()->request_stop();
  installed.value()->request_stop();
  installed.value()->wait();
  CHECK(seen == 0);
  CHECK(installed.value()->signal_number() == 0);
  installed.value().reset();  // joins the watcher: every byte has been read by now
  CHECK(calls == 1);
}

TEST_CASE("only one instance may be installed at a time") {
  auto first = ShutdownSignals::install();
  REQUIRE(first.ok());
  auto second = ShutdownSignals::install();
  REQUIRE_FALSE(second.ok());
  CHECK(second.error() == "ShutdownSignals is already installed in this process");
  first.value().reset();
  auto third = ShutdownSignals::install();
  CHECK(third.ok());
}

TEST_CASE("the previous disposition is restored on destruction") {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(::sigaction(SIGTERM, &ignore, nullptr) == 0);
  {
    auto installed = ShutdownSignals::install();
    REQUIRE(installed.ok());
  }
  struct sigaction current {};
  REQUIRE(::sigaction(SIGTERM, nullptr, &current) == 0);
  const bool ignored = current.sa_handler == SIG_IGN;  // doctest cannot print handlers
  CHECK(ignored);
  struct sigaction restore {};
  restore.sa_handler = SIG_DFL;
  REQUIRE(::sigaction(SIGTERM, &restore, nullptr) == 0);
}
