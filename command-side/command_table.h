// The command side's API surface in one table: each command's name (NATS
// subject sw.cmd.<name>), HTTP method and path pattern, and handler. Both
// transports are generated from it, so they cannot drift apart.
//
// Thread safety: the table is immutable.
// Errors: none.
#pragma once

#include <string>
#include <vector>

#include "command-side/command_context.h"
#include "command-side/command_request.h"
#include "service/http_server.h"

namespace slotwise::command {

using CommandHandler = CommandReply (*)(CommandContext&, const CommandRequest&);

struct CommandRoute {
  std::string name;
  service::HttpMethod method;
  std::string pattern;
  CommandHandler handler;
};

[[nodiscard]] const std::vector<CommandRoute>& command_routes();

// The route named `name`; nullptr if there is none.
[[nodiscard]] const CommandRoute* find_command(std::string_view name);

// The {param} names of a pattern, in order.
[[nodiscard]] std::vector<std::string> pattern_params(std::string_view pattern);

}  // namespace slotwise::command
