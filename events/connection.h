// Connection: one NATS connection plus its JetStream context, configured to
// reconnect forever with jittered backoff, so a restarted nats-server is
// picked up without the caller doing anything.
//
// Thread safety: thread-safe (nats.c connections and JetStream contexts are).
// Errors: open() gives kUnavailable when no server answers, unless
// retry_on_failed_connect is set: then open() returns at once, not connected
// (connected() is false), and nats.c keeps trying in the background with the
// reconnect settings; operations fail (or time out) with kUnavailable until
// it is connected. A process can thus serve /healthz, answer /readyz 503 and
// stop on SIGTERM while NATS is down at start-up.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <memory>
#include <string>

#include "events/error.h"
#include "events/nats_handles.h"

namespace slotwise::events {

struct ConnectionOptions {
  // One URL or a comma-separated list for a cluster.
  std::string url = "nats://127.0.0.1:54222";
  std::string name = "slotwise";
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds reconnect_wait{250};
  // Return from open() without a server, connecting in the background.
  bool retry_on_failed_connect = false;
  // Write each publish to the socket at once instead of letting nats.c's
  // flusher thread batch them: its batching waits up to 1 ms per flush, which
  // would add a millisecond to every append's latency.
  bool send_asap = true;
  // Bytes buffered while reconnecting; publishes beyond it fail fast.
  int reconnect_buffer_bytes = 64 * 1024 * 1024;
};

class Connection {
 public:
  [[nodiscard]] static Result<std::unique_ptr<Connection>> open(const ConnectionOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  [[nodiscard]] natsConnection* nc() const { return nc_.get(); }
  [[nodiscard]] jsCtx* js() const { return js_.get(); }
  [[nodiscard]] bool connected() const;

 private:
  Connection() = default;
  ConnectionPtr nc_;
  JsContextPtr js_;
};

}  // namespace slotwise::events
