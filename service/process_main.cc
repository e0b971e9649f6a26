#include "service/process_main.h"

#include <exception>

namespace slotwise::service {

int process_main(const char* name, int argc, char** argv, const ProcessRun& run) {
  Logger logger(name);
  try {
    auto level = log_level_from_env();
    if (!level) {
      logger.error("bad configuration", {{"error", level.error()}});
      return 2;
    }
    logger.set_level(level.value());
    auto config = argc > 1 ? Config::load(argv[1]) : ConfigResult<Config>(Config::from_env());
    if (!config) {
      logger.error("bad configuration", {{"error", config.error().message}});
      return 2;
    }
    return run(config.value(), logger);
  } catch (const std::exception& e) {
    logger.error("fatal", {{"error", e.what()}});
    return 1;
  }
}

}  // namespace slotwise::service
