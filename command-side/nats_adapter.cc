#include "command-side/nats_adapter.h"

#include <strings.h>

#include <boost/asio/post.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "auth/client_address.h"
#include "command-side/command_table.h"
#include "service/trace.h"

namespace slotwise::command {
namespace {

// A request message's headers, looked up by name case-insensitively as HTTP
// header names are (nats.c's own lookup is case-sensitive, so a caller
// writing `authorization` would otherwise be unauthenticated).
class RequestHeaders {
 public:
  explicit RequestHeaders(natsMsg* msg) {
    const char** keys = nullptr;
    int count = 0;
    if (natsMsgHeader_Keys(msg, &keys, &count) != NATS_OK || keys == nullptr) return;
    headers_.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      const char* value = nullptr;
      const char* key = keys[i];
      if (natsMsgHeader_Get(msg, key, &value) == NATS_OK && value != nullptr) {
        headers_.emplace_back(key, value);
      }
    }
    // The array is ours to free (nats.c allocates it with malloc); its
    // strings belong to the message.
    std::free(static_cast<void*>(keys));
  }

  // The first value of `name`; "" when absent.
  [[nodiscard]] std::string get(const std::string& name) const {
    for (const auto& [key, value] : headers_) {
      if (::strcasecmp(key.c_str(), name.c_str()) == 0) return value;
    }
    return {};
  }

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
};

constexpr std::int64_t kSubscribeFlushTimeoutMs = 5000;

// The last token of a subject: "sw.cmd.create_booking" -> "create_booking".
std::string command_name(std::string_view subject) {
  const std::size_t dot = subject.rfind('.');
  return std::string(dot == std::string_view::npos ? subject : subject.substr(dot + 1));
}

}  // namespace

NatsCommandResponder::NatsCommandResponder(natsConnection* nc, CommandContext& ctx,
                                           std::size_t workers, std::size_t max_body_bytes)
    : nc_(nc), ctx_(ctx), max_body_bytes_(max_body_bytes), pool_(workers) {}

NatsCommandResponder::~NatsCommandResponder() { stop(); }

common::Result<common::Unit, std::string> NatsCommandResponder::start(
    const std::string& subject_prefix) {
  natsSubscription* raw = nullptr;
  const std::string subject = subject_prefix + ".*";
  const natsStatus s = natsConnection_QueueSubscribe(&raw, nc_, subject.c_str(), "slotwise-command",
                                                     &on_message, this);
  if (s != NATS_OK) {
    return common::fail(std::string("subscribe ") + subject + ": " + natsStatus_GetText(s));
  }
  sub_.reset(raw);
  // Commands are small; let a burst queue rather than be dropped as a slow
  // consumer.
  (void)natsSubscription_SetPendingLimits(sub_.get(), 1'000'000, 256 * 1024 * 1024);
  // nats.c sends the subscription with the connection's next flush: until
  // the server has it, a request finds no responder (NATS_NO_RESPONDERS)
  // although the process has started. A round trip makes start() mean
  // "answering". If it fails the subscription still reaches the server
  // with the next flush or reconnect.
  if (const natsStatus f = natsConnection_FlushTimeout(nc_, kSubscribeFlushTimeoutMs);
      f != NATS_OK) {
    ctx_.logger().warn("command subscription not confirmed by the server yet",
                       {{"subject", subject}, {"error", natsStatus_GetText(f)}});
  }
  return common::Unit{};
}

void NatsCommandResponder::stop() {
  if (sub_) {
    (void)natsSubscription_Unsubscribe(sub_.get());
    sub_.reset();
  }
  pool_.join();
}

void NatsCommandResponder::on_message(natsConnection* /*nc*/, natsSubscription* /*sub*/,
                                      natsMsg* msg, void* closure) {
  auto* self = static_cast<NatsCommandResponder*>(closure);
  boost::asio::post(self->pool_, [self, owned = std::make_shared<events::MsgPtr>(msg)]() mutable {
    self->handle(std::move(*owned));
  });
}

void NatsCommandResponder::handle(events::MsgPtr msg) {
  const char* reply_to = natsMsg_GetReply(msg.get());
  if (reply_to == nullptr || *reply_to == '\0') return;  // nobody to answer

  CommandReply reply;
  const CommandRoute* route = find_command(command_name(natsMsg_GetSubject(msg.get())));
  const auto body_size = static_cast<std::size_t>(natsMsg_GetDataLength(msg.get()));
  if (route == nullptr) {
    reply = error_reply({404, "not_found", "no such command"});
  } else if (body_size > max_body_bytes_) {
    // The HTTP server's limit, with its answer: the transports agree.
    reply = error_reply(service::payload_too_large());
  } else {
    const RequestHeaders headers(msg.get());
    CommandRequest req;
    for (const auto& name : pattern_params(route->pattern)) {
      req.params.emplace(name, headers.get("Sw-Param-" + name));
    }
    req.authorization = headers.get("Authorization");
    req.idempotency_key = headers.get("Idempotency-Key");
    req.manage_token = headers.get("X-Manage-Token");
    req.stripe_signature = headers.get("Stripe-Signature");
    const service::TraceContext trace =
        service::continue_or_start_trace(headers.get("traceparent"));
    req.traceparent = trace.traceparent();
    req.trace_id = trace.trace_id;
    // Publishers on NATS are internal and trusted to name the client they
    // act for, as a trusted proxy's X-Forwarded-For is believed over HTTP;
    // the same normalisation (an IPv6 client by its /64) applies.
    req.client_address = auth::rate_limit_client(headers.get("SlotWise-Client-Address"), "", {});
    if (req.client_address.empty()) req.client_address = "nats";
    const char* data = natsMsg_GetData(msg.get());
    req.body.assign(data == nullptr ? "" : data, body_size);
    try {
      reply = route->handler(ctx_, req);
    } catch (const std::exception& e) {
      // A process boundary, as the HTTP server is (ADR 0003): an exception
      // is a 500 answer, not std::terminate on the pool's thread.
      ctx_.logger().error(
          "command handler threw",
          {{"command", route->name}, {"error", e.what()}, {"trace_id", trace.trace_id}});
      reply = error_reply({500, service::error_code::kInternal, "internal error"});
    }
  }

  natsMsg* raw = nullptr;
  if (natsMsg_Create(&raw, reply_to, nullptr, reply.body.data(),
                     static_cast<int>(reply.body.size())) != NATS_OK) {
    return;
  }
  events::MsgPtr out(raw);
  (void)natsMsgHeader_Set(out.get(), "Sw-Status", std::to_string(reply.status).c_str());
  if (reply.position) {
    (void)natsMsgHeader_Set(out.get(), "SlotWise-Position",
                            std::to_string(*reply.position).c_str());
  }
  if (reply.retry_after_seconds) {
    (void)natsMsgHeader_Set(out.get(), "Retry-After",
                            std::to_string(*reply.retry_after_seconds).c_str());
  }
  if (natsConnection_PublishMsg(nc_, out.get()) != NATS_OK) {
    ctx_.logger().warn("command reply not sent", {{"subject", natsMsg_GetSubject(msg.get())}});
  }
}

}  // namespace slotwise::command
