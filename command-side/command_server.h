// CommandServer: the whole slotwise-command process as an object — event
// store connection, aggregate repositories, HTTP API, NATS command
// responder and metrics — so main.cc stays a thin shell and tests can run
// the real server in-process.
//
// Lifecycle: start() connects to NATS, verifies (or creates) the stream,
// starts the business watch (a LogFollower of business commits that marks
// the cached business stale, so a booking sees another process's service or
// policy change at once; docs/adr/0007-command-api.md), the account watch
// (the same for accounts, so a password change made through another
// process voids older owner tokens here at once) and the hold expiry
// scheduler (unless hold_expiry = false) and, with payments on, the refund
// reconciler (unless refund_retry = false), subscribes sw.cmd.* and binds
// HTTP. When NATS does not answer at start-up, start() logs "waiting for
// NATS", binds HTTP and returns; a starter thread does the rest once NATS
// answers (retrying every second while a step fails), and until then
// /healthz is 200, /readyz 503 and every command 503 unavailable with
// Retry-After. stop() ends the wait, stops taking requests, lets running
// ones finish, then drains in-flight appends (bounded by shutdown_drain)
// before closing the connection.
// /readyz is ready once started, while NATS is connected and the stream
// answers.
//
// Thread safety: start()/stop() from one thread; stop() is idempotent.
// Errors: start() returns a message (bad secret file, a Stripe key without webhook
// secrets, port in use, and with
// NATS up: a stream that does not match, a failed subscription).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "command-side/command_config.h"
#include "command-side/command_context.h"
#include "command-side/command_metrics.h"
#include "command-side/hold_expiry.h"
#include "command-side/log_follower.h"
#include "command-side/nats_adapter.h"
#include "command-side/refund_reconciler.h"
#include "common/result.h"
#include "events/event_store.h"
#include "service/http_server.h"
#include "service/log.h"
#include "service/metrics.h"

namespace slotwise::command {

class CommandServer {
 public:
  // `logger` must outlive the server.
  CommandServer(CommandConfig config, service::Logger& logger);
  CommandServer(const CommandServer&) = delete;
  CommandServer& operator=(const CommandServer&) = delete;
  ~CommandServer();

  // Returns the bound HTTP port.
  [[nodiscard]] common::Result<int, std::string> start(CommandContext::Clock clock = {});
  void stop();

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] CommandContext& context() { return *ctx_; }
  // Null unless it runs (payments on and refund_retry).
  [[nodiscard]] const RefundReconciler* refund_reconciler() const {
    return refund_reconciler_.get();
  }

 private:
  void refresh_loop();
  // The steps that need NATS (stream, business and account watches, hold expiry, refund
  // reconciler, NATS responder), each skipped once done; sets serving_.
  [[nodiscard]] common::Result<common::Unit, std::string> bring_up();
  // The starter thread: waits for NATS, then bring_up() until it succeeds
  // or stop() is called.
  void bring_up_when_connected();
  void log_started();
  // A LogFollower of `category`'s commits from the log's end on, calling
  // `invalidate` with each committed aggregate's id (the business and
  // account watches).
  [[nodiscard]] common::Result<std::unique_ptr<LogFollower>, std::string> start_watch(
      const char* category, const char* name, std::function<void(const std::string&)> invalidate);

  CommandConfig config_;
  service::Logger& logger_;
  service::MetricsRegistry metrics_;
  std::unique_ptr<events::EventStore> store_;
  std::unique_ptr<CommandContext> ctx_;
  std::unique_ptr<CommandMetrics> command_metrics_;
  std::unique_ptr<service::HttpServer> http_;
  std::unique_ptr<NatsCommandResponder> responder_;
  std::unique_ptr<LogFollower> business_watch_;
  std::unique_ptr<LogFollower> account_watch_;
  std::unique_ptr<HoldExpiry> hold_expiry_;
  std::unique_ptr<RefundReconciler> refund_reconciler_;
  std::thread refresher_;
  std::thread starter_;  // only when NATS did not answer at start()
  std::mutex refresh_mu_;
  std::condition_variable refresh_cv_;
  bool stopping_ = false;  // guarded by refresh_mu_; ends both threads
  // Commands are taken once bring_up() has finished (http_adapter.h).
  std::atomic<bool> serving_{false};
  bool provisioned_ = false;  // bring_up() state, on its thread
  int port_ = 0;
};

}  // namespace slotwise::command
