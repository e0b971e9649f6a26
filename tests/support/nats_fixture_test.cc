// The nats-server fixture starts a real server with JetStream enabled on a
// free port and keeps its store across a restart.
#include "tests/support/nats_server.h"

#include <doctest/doctest.h>
#include <nats/nats.h>

namespace {
bool jetstream_answers(const std::string& url) {
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK) return false;
  jsCtx* js = nullptr;
  jsAccountInfo* info = nullptr;
  bool ok = natsConnection_JetStream(&js, nc, nullptr) == NATS_OK &&
            js_GetAccountInfo(&info, js, nullptr, nullptr) == NATS_OK;
  jsAccountInfo_Destroy(info);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return ok;
}
}  // namespace

TEST_CASE("nats-server fixture: JetStream on a free port, same port after restart") {
  slotwise::testing::NatsServerFixture nats;
  CHECK(jetstream_answers(nats.url()));
  const int port = nats.port();
  nats.restart();
  CHECK(nats.port() == port);
  CHECK(jetstream_answers(nats.url()));
  nats.stop();
  CHECK_FALSE(jetstream_answers(nats.url()));
}
