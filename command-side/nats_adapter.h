// The NATS request/reply transport of the command side, for internal
// callers (the payment saga, the hold-expiry scheduler, other services):
// subject sw.cmd.<name> for each command of command_table.h, queue group
// "slotwise-command" so several command processes share the load.
//
// Request: the message data is the JSON body, exactly as over HTTP, and
// at most max_body_bytes long like an HTTP body (else 413
// payload_too_large). Headers carry what HTTP carries in the path and
// headers; their names match case-insensitively, as HTTP's do:
//   Sw-Param-<name>   a path parameter, e.g. Sw-Param-id: biz_…
//   Authorization, Idempotency-Key, X-Manage-Token, Stripe-Signature,
//   traceparent
//   SlotWise-Client-Address   the end client the internal caller acts for,
//                     counted by the signup and login rate limits as an
//                     HTTP client's address is. NATS is internal and its
//                     publishers are trusted (like a trusted proxy's
//                     X-Forwarded-For); without the header the client is
//                     "nats", one bucket shared by every such caller.
// Reply: the data is the JSON body; headers Sw-Status (the HTTP status code),
// on success SlotWise-Position, on 429 and 503 Retry-After (seconds). An
// unknown command name is answered Sw-Status 404.
//
// Handlers run on a worker pool, not on nats.c's delivery thread, so slow
// commands do not serialise the subscription.
//
// Thread safety: start()/stop() from one thread; handlers run concurrently.
// Errors: start() returns a message when the subscription fails.
#pragma once

#include <nats/nats.h>

#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "command-side/command_context.h"
#include "common/result.h"
#include "events/nats_handles.h"

namespace slotwise::command {

class NatsCommandResponder {
 public:
  // `nc` and `ctx` must outlive the responder. `max_body_bytes`: the HTTP
  // server's limit (CommandConfig::max_body_bytes).
  NatsCommandResponder(natsConnection* nc, CommandContext& ctx, std::size_t workers,
                       std::size_t max_body_bytes);
  NatsCommandResponder(const NatsCommandResponder&) = delete;
  NatsCommandResponder& operator=(const NatsCommandResponder&) = delete;
  ~NatsCommandResponder();

  [[nodiscard]] common::Result<common::Unit, std::string> start(
      const std::string& subject_prefix = "sw.cmd");
  // Unsubscribes and waits for the running handlers.
  void stop();

 private:
  static void on_message(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);
  void handle(events::MsgPtr msg);

  natsConnection* nc_;
  CommandContext& ctx_;
  std::size_t max_body_bytes_;
  boost::asio::thread_pool pool_;
  events::SubscriptionPtr sub_;
};

}  // namespace slotwise::command
