// CommandRequest / CommandReply: one command as the command side sees it,
// whichever transport carried it. The HTTP adapter (http_adapter.h) and the
// NATS request/reply adapter (nats_adapter.h) both translate into these, so
// every handler is written once and both transports answer identically.
//
// Thread safety: plain values.
// Errors: none (a reply may itself be an error reply).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "service/api_error.h"

namespace slotwise::command {

struct CommandRequest {
  // Path parameters by name ("id", "sid", "date").
  std::map<std::string, std::string, std::less<>> params;
  // The request headers the handlers read; empty when absent.
  std::string authorization;     // Authorization
  std::string idempotency_key;   // Idempotency-Key
  std::string manage_token;      // X-Manage-Token
  std::string stripe_signature;  // Stripe-Signature (the Stripe webhook)
  std::string traceparent;       // W3C trace context of the request
  std::string trace_id;          // for log lines
  std::string client_address;    // the peer, for rate limiting
  std::string body;

  [[nodiscard]] std::string_view param(std::string_view name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string_view{} : std::string_view{it->second};
  }
};

struct CommandReply {
  int status = 200;
  // Serialised JSON.
  std::string body;
  // The log position of the command's effect (SlotWise-Position header).
  std::optional<std::uint64_t> position;
  // Seconds, for 429 and 503 (Retry-After header).
  std::optional<int> retry_after_seconds;
};

// {"error":{...}} with the error's status. A 503 without an explicit
// Retry-After gets one second: the log is back within moments or the
// client should back off anyway.
[[nodiscard]] inline CommandReply error_reply(const service::ApiError& error,
                                              std::optional<int> retry_after = std::nullopt) {
  if (!retry_after && error.status == 503) retry_after = 1;
  return CommandReply{error.status, service::error_body(error), std::nullopt, retry_after};
}

}  // namespace slotwise::command
