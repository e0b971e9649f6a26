// The HTTP transport of the command side: registers every command of
// command_table.h on an HttpServer, translating httplib requests into
// CommandRequest and CommandReply into responses (status, JSON body,
// SlotWise-Position and Retry-After headers). Until `serving` is true (the
// command side is still waiting for NATS at start-up) every command is
// answered 503 unavailable with Retry-After, without reaching a handler.
//
// Thread safety: call before server.start(); the handlers are thread-safe.
// Errors: none (handlers answer errors as replies).
#pragma once

#include <atomic>

#include "command-side/command_context.h"
#include "service/http_server.h"

namespace slotwise::command {

// `ctx` and `serving` must outlive the server.
void register_http_routes(service::HttpServer& server, CommandContext& ctx,
                          const std::atomic<bool>& serving);

}  // namespace slotwise::command
