// ApiError: an HTTP error answer, and its one JSON shape.
//
// Every SlotWise HTTP error body is {"error":{"code":"...","message":"..."}}
// (docs/adr/0003-error-handling.md, point 7). `code` is a stable snake_case
// identifier clients may switch on; `message` is for humans and may change.
// Request-parsing helpers (json_body.h) produce these directly, so a handler
// can return the first problem found without mapping it again.
//
// Thread safety: plain value type; error_body() is a pure function.
// Errors: none.
#pragma once

#include <string>

namespace slotwise::service {

struct ApiError {
  int status = 500;
  std::string code;
  std::string message;
};

// {"error":{"code":<code>,"message":<message>}}, correctly escaped; invalid
// UTF-8 in either string is replaced rather than producing invalid JSON.
[[nodiscard]] std::string error_body(const ApiError& error);

// The shared vocabulary of codes produced by this library.
namespace error_code {
inline constexpr const char* kInvalidJson = "invalid_json";             // 400: not parseable
inline constexpr const char* kInvalidRequest = "invalid_request";       // 400: parsed, but wrong
inline constexpr const char* kNotFound = "not_found";                   // 404
inline constexpr const char* kMethodNotAllowed = "method_not_allowed";  // 405
inline constexpr const char* kPayloadTooLarge = "payload_too_large";    // 413
inline constexpr const char* kInternal = "internal";                    // 500
inline constexpr const char* kNotReady = "not_ready";                   // 503
}  // namespace error_code

// A 400 invalid_request with `message`: the common case for a bad field.
[[nodiscard]] ApiError invalid_request(std::string message);

// The 413 payload_too_large for a body over a server's limit: one answer
// whichever transport (HTTP, NATS request/reply) carried the body.
[[nodiscard]] ApiError payload_too_large();

}  // namespace slotwise::service
