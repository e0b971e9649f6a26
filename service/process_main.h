// process_main: the main() that slotwise-projector, slotwise-query and
// slotwise-notifier share. It names the process's JSON-lines logger, applies
// SLOTWISE_LOG_LEVEL, reads the configuration (the file given as the only
// argument, else the environment alone; every key also as SLOTWISE_<KEY>)
// and hands both to the process's own `run`. Start-up errors are log lines
// too, so an operator reads one format whatever went wrong.
//
// Exit codes: 2 for a bad configuration (a level that is no level, a file
// that does not parse), 1 for an exception escaping `run` (logged as
// "fatal"), else what `run` returns.
//
// Thread safety: call once, from main(), before any other thread starts (it
// reads the environment).
// Errors: none thrown; see exit codes.
#pragma once

#include <functional>

#include "service/config.h"
#include "service/log.h"

namespace slotwise::service {

using ProcessRun = std::function<int(const Config& config, Logger& logger)>;

[[nodiscard]] int process_main(const char* name, int argc, char** argv, const ProcessRun& run);

}  // namespace slotwise::service
