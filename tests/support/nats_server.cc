#include "tests/support/nats_server.h"

#include <stdexcept>

namespace slotwise::testing {

NatsServerFixture::NatsServerFixture()
    : dir_("slotwise-nats"), store_dir_(dir_.path() + "/js"), port_(free_port()) {
  start();
}

NatsServerFixture::~NatsServerFixture() { stop(); }

std::string NatsServerFixture::url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

void NatsServerFixture::start() {
  process_ = Process(
      {"nats-server", "-js", "-sd", store_dir_, "-a", "127.0.0.1", "-p", std::to_string(port_)},
      dir_.path() + "/nats.log");
  if (!wait_for_port(port_, std::chrono::seconds(10))) {
    throw std::runtime_error("nats-server did not start; see " + dir_.path() + "/nats.log");
  }
}

void NatsServerFixture::stop(int signal) { process_.stop(signal); }

}  // namespace slotwise::testing
