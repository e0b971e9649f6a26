// A connection with retry_on_failed_connect opened while no nats-server
// answers returns at once, not connected, instead of blocking its caller;
// it connects by itself once the server is up.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "events/connection.h"
#include "tests/support/nats_server.h"

namespace slotwise::testing {

TEST_CASE("a retrying connection opened without a server returns at once and connects later") {
  NatsServerFixture nats;
  nats.stop();  // keeps the port: the same URL answers again after start()
  events::ConnectionOptions options;
  options.url = nats.url();
  options.retry_on_failed_connect = true;

  struct Opened {
    events::Result<std::unique_ptr<events::Connection>> conn;
    bool connected_at_return = false;
  };
  auto opening = std::async(std::launch::async, [&options] {
    Opened o{events::Connection::open(options)};
    o.connected_at_return = o.conn.ok() && o.conn.value()->connected();
    return o;
  });
  // A blocking open() would still be waiting here (it did: nats.c blocks in
  // natsConnection_Connect when retrying without a connected callback).
  const bool returned = opening.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  CHECK(returned);

  nats.start();  // also lets a blocked open() finish, so the test never hangs
  Opened opened = opening.get();
  REQUIRE(opened.conn.ok());
  CHECK_FALSE(opened.connected_at_return);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!opened.conn.value()->connected() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(opened.conn.value()->connected());
}

}  // namespace slotwise::testing
