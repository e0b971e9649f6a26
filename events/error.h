// events::Error: every expected failure of the event store, as a value.
//
// The event store converts nats.c statuses and JetStream API error codes into
// this type in exactly one place (nats_status.cc); callers switch on `code`.
// Thread safety: plain value type.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace slotwise::events {

enum class ErrorCode {
  // NATS or JetStream did not answer in time, or the connection is down. The
  // client keeps reconnecting in the background; retrying later may succeed.
  kUnavailable,
  // Optimistic concurrency: the aggregate is not at the expected version.
  // `current_version` holds the version found (0 = the aggregate has no events).
  kConcurrencyConflict,
  // Stored bytes could not be decoded; `subject` and `sequence` name the message.
  kDecodeError,
  // A well-formed event of a type this build does not know; consumers skip and
  // count it. `event_type` names it.
  kUnknownEventType,
  // The audit hash chain is broken at `subject`/`sequence`.
  kChainBroken,
  // Bad arguments (an invalid subject token, an empty commit, ...).
  kInvalidArgument,
  // A stream or consumer exists with a configuration we must not silently change.
  kConfigMismatch,
  // A named thing (stream, consumer, message) does not exist.
  kNotFound,
  // The store was shut down while the operation was pending.
  kCancelled,
  // Anything else the server or client library reported.
  kInternal,
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::uint64_t current_version = 0;  // kConcurrencyConflict
  std::string subject;                // kDecodeError, kChainBroken, kUnknownEventType
  std::uint64_t sequence = 0;         // kDecodeError, kChainBroken, kUnknownEventType
  std::string event_type;             // kUnknownEventType

  // "code: message (subject=…, sequence=…)" for logs and CLI output.
  [[nodiscard]] std::string describe() const;
};

template <class T>
using Result = common::Result<T, Error>;
using Status = common::Result<common::Unit, Error>;

[[nodiscard]] inline common::Unexpected<Error> make_error(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return common::Unexpected<Error>{std::move(e)};
}

}  // namespace slotwise::events
