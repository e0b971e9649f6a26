// slotwise-command: the command side's process (docs/command-api.md).
// Configuration: --config FILE (or SLOTWISE_CONFIG) plus SLOTWISE_* environment
// overrides. Exits 0 after a clean SIGTERM/SIGINT shutdown, 1 when it cannot
// start (a bad setting or SLOTWISE_LOG_LEVEL included), 2 for bad usage.
// Every error is a JSON log line on stderr; exceptions stop here, at the
// process boundary.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "command-side/command_config.h"
#include "command-side/command_server.h"
#include "service/log.h"
#include "service/signals.h"

namespace {

int run(int argc, char** argv, slotwise::service::Logger& logger) {
  auto level = slotwise::service::log_level_from_env();
  if (!level) {
    logger.error("bad configuration", {{"reason", level.error()}});
    return 1;
  }
  logger.set_level(level.value());
  std::string config_path;
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread starts
  if (const char* env = std::getenv("SLOTWISE_CONFIG"); env != nullptr) config_path = env;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::cout << "usage: slotwise-command [--config FILE]\n"
                   "Settings and SLOTWISE_* overrides: docs/command-api.md\n";
      return 0;
    } else {
      logger.error("bad usage", {{"reason", "unknown argument '" + std::string(arg) + "'"}});
      return 2;
    }
  }
  auto config = slotwise::command::load_command_config(config_path);
  if (!config) {
    logger.error("bad configuration", {{"reason", config.error().message}});
    return 1;
  }
  auto signals = slotwise::service::ShutdownSignals::install();
  if (!signals) {
    logger.error("cannot install signal handlers", {{"reason", signals.error()}});
    return 1;
  }
  slotwise::command::CommandServer server(*config, logger);
  if (auto started = server.start(); !started) {
    logger.error("cannot start", {{"reason", started.error()}});
    return 1;
  }
  (*signals)->wait();
  logger.info("shutting down", {{"signal", (*signals)->signal_number()}});
  server.stop();
  logger.info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Every line, start-up errors included, is a JSON log line.
  slotwise::service::Logger logger("slotwise-command");
  try {
    return run(argc, argv, logger);
  } catch (const std::exception& e) {
    logger.error("fatal", {{"reason", e.what()}});
  } catch (...) {
    logger.error("fatal", {{"reason", "unknown exception"}});
  }
  return 1;
}
