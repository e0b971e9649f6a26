// The HTTP transport of the command side: registers every command of
// command_table.h on an HttpServer, translating httplib requests into
// CommandRequest and CommandReply into responses (status, JSON body,
// SlotWise-Position and Retry-After headers).
//
// Thread safety: call before server.start(); the handlers are thread-safe.
// Errors: none (handlers answer errors as replies).
#pragma once

#include "command-side/command_context.h"
#include "service/http_server.h"

namespace slotwise::command {

// `ctx` must outlive the server.
void register_http_routes(service::HttpServer& server, CommandContext& ctx);

}  // namespace slotwise::command
