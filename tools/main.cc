// slotwise: the command-line tool for admins, analytics consumers and
// auditors (docs/cli.md). Exceptions stop here, at the process boundary.
#include <iostream>

#include "tools/cli_context.h"
#include "tools/command_line.h"
#include "tools/commit_json.h"

int main(int argc, char** argv) {
  using slotwise::tools::kExitFailed;
  try {
    if (!slotwise::tools::event_types_linked()) {
      slotwise::tools::print_error(
          "internal error: event schemas are missing from the descriptor pool");
      return kExitFailed;
    }
    return slotwise::tools::run_command_line(argc, argv);
  } catch (...) {  // the process boundary: report, never crash with an exception
    std::cerr << "slotwise: unexpected internal error\n";
    return kExitFailed;
  }
}
