#include "tools/cli_context.h"

#include <cstdlib>
#include <iostream>

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

std::string env_or(const char* name, const std::string& fallback) {
  const char* v =
      std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before any thread starts
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

}  // namespace slotwise::tools
