#include "tools/cli_context.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <system_error>

#include "service/config.h"

namespace slotwise::tools {

events::StoreOptions CliContext::store_options() const {
  events::StoreOptions o;
  o.connection.url = nats_url;
  o.connection.name = "slotwise-cli";
  o.stream.name = stream;
  o.stream.replicas = replicas;
  o.stream.duplicate_window = std::chrono::seconds(duplicate_window_s);
  return o;
}

std::unique_ptr<events::EventStore> CliContext::open_store() const {
  auto store = events::EventStore::open(store_options());
  if (!store) {
    print_error("cannot reach NATS at " + nats_url + ": " + store.error().describe());
    return nullptr;
  }
  return std::move(store).value();
}

int exit_code_for(const events::Error& e) {
  switch (e.code) {
    case events::ErrorCode::kUnavailable:
      return kExitUnavailable;
    case events::ErrorCode::kConfigMismatch:
      return kExitConfig;
    case events::ErrorCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitFailed;
  }
}

void print_error(const std::string& message) { std::cerr << "slotwise: " << message << "\n"; }

std::optional<std::string> apply_config_file(CliContext& ctx, GivenFlags given) {
  // Config reads SLOTWISE_<KEY> from the environment before the file, so
  // SLOTWISE_NATS_URL, SLOTWISE_STREAM and SLOTWISE_PG_URL win over the file's values.
  service::Config config = service::Config::from_env();
  if (!ctx.config_file.empty()) {
    auto loaded = service::Config::load(ctx.config_file);
    if (!loaded) return loaded.error().message;
    config = std::move(loaded).value();
  }
  if (!given.nats) ctx.nats_url = config.get_string("nats_url", ctx.nats_url);
  if (!given.stream) ctx.stream = config.get_string("stream", ctx.stream);
  if (!given.pg) ctx.pg_url = config.get_string("pg_url", ctx.pg_url);
  if (ctx.nats_url.empty()) return std::string("the NATS URL is empty");
  if (!events::is_valid_token(ctx.stream)) {
    return "'" + ctx.stream + "' is not a valid stream name";
  }
  return std::nullopt;
}

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

bool flush_output() {
  static bool reported = false;  // single-threaded CLI: one message per process
  const bool was_good = static_cast<bool>(std::cout);
  errno = 0;
  std::cout.flush();
  if (std::cout) return true;
  const int err = errno;
  if (!reported) {
    reported = true;
    print_error(was_good && err != 0
                    ? "cannot write output: " + std::generic_category().message(err)
                    : std::string("cannot write output"));
  }
  return false;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v =
      std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before any thread starts
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

}  // namespace slotwise::tools
