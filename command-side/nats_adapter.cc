#include "command-side/nats_adapter.h"

#include <boost/asio/post.hpp>
#include <string>
#include <vector>

#include "command-side/command_table.h"
#include "service/trace.h"

namespace slotwise::command {
namespace {

std::string header(natsMsg* msg, const char* name) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg, name, &value) != NATS_OK || value == nullptr) return {};
  return value;
}

// The last token of a subject: "sw.cmd.create_booking" -> "create_booking".
std::string command_name(std::string_view subject) {
  const std::size_t dot = subject.rfind('.');
  return std::string(dot == std::string_view::npos ? subject : subject.substr(dot + 1));
}

}  // namespace

NatsCommandResponder::NatsCommandResponder(natsConnection* nc, CommandContext& ctx,
                                           std::size_t workers)
    : nc_(nc), ctx_(ctx), pool_(workers) {}

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
  if (route == nullptr) {
    reply = error_reply({404, "not_found", "no such command"});
  } else {
    CommandRequest req;
    for (const auto& name : pattern_params(route->pattern)) {
      req.params.emplace(name, header(msg.get(), ("Sw-Param-" + name).c_str()));
    }
    req.authorization = header(msg.get(), "Authorization");
    req.idempotency_key = header(msg.get(), "Idempotency-Key");
    req.manage_token = header(msg.get(), "X-Manage-Token");
    req.stripe_signature = header(msg.get(), "Stripe-Signature");
    const service::TraceContext trace =
        service::continue_or_start_trace(header(msg.get(), "traceparent"));
    req.traceparent = trace.traceparent();
    req.trace_id = trace.trace_id;
    req.client_address = "nats";
    const char* data = natsMsg_GetData(msg.get());
    req.body.assign(data == nullptr ? "" : data,
                    static_cast<std::size_t>(natsMsg_GetDataLength(msg.get())));
    reply = route->handler(ctx_, req);
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
  if (natsConnection_PublishMsg(nc_, out.get()) != NATS_OK) {
    ctx_.logger().warn("command reply not sent", {{"subject", natsMsg_GetSubject(msg.get())}});
  }
}

}  // namespace slotwise::command
