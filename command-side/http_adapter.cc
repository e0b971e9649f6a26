#include "command-side/http_adapter.h"

#include <string>
#include <vector>

#include "auth/client_address.h"
#include "command-side/command_table.h"
#include "service/http_reply.h"

namespace slotwise::command {

void register_http_routes(service::HttpServer& server, CommandContext& ctx,
                          const std::atomic<bool>& serving) {
  for (const CommandRoute& route : command_routes()) {
    const std::vector<std::string> names = pattern_params(route.pattern);
    const CommandHandler handler = route.handler;
    server.route(
        route.method, route.pattern,
        [&ctx, &serving, names, handler](service::RequestContext& rc, httplib::Response& res) {
          if (!serving.load()) {
            // Same answer as a command that finds the log away.
            const CommandReply reply =
                error_reply({503, "unavailable", "the event log is unavailable; retry shortly"});
            res.set_header("Retry-After", std::to_string(*reply.retry_after_seconds));
            service::reply_json(res, reply.status, reply.body);
            return;
          }
          const httplib::Request& http = rc.request();
          CommandRequest req;
          for (const auto& n : names) req.params.emplace(n, rc.path_param(n));
          req.authorization = http.get_header_value("Authorization");
          req.idempotency_key = http.get_header_value("Idempotency-Key");
          req.manage_token = http.get_header_value("X-Manage-Token");
          req.stripe_signature = http.get_header_value("Stripe-Signature");
          req.traceparent = rc.trace().traceparent();
          req.trace_id = rc.trace().trace_id;
          req.client_address = auth::rate_limit_client(
              http.remote_addr, http.get_header_value("X-Forwarded-For"), ctx.trusted_proxies());
          req.body = http.body;
          const CommandReply reply = handler(ctx, req);
          if (reply.position) {
            res.set_header("SlotWise-Position", std::to_string(*reply.position));
          }
          if (reply.retry_after_seconds) {
            res.set_header("Retry-After", std::to_string(*reply.retry_after_seconds));
          }
          service::reply_json(res, reply.status, reply.body);
        });
  }
}

}  // namespace slotwise::command
