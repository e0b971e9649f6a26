#include "events/error.h"

namespace slotwise::events {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kConcurrencyConflict:
      return "concurrency_conflict";
    case ErrorCode::kDecodeError:
      return "decode_error";
    case ErrorCode::kUnknownEventType:
      return "unknown_event_type";
    case ErrorCode::kChainBroken:
      return "chain_broken";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kConfigMismatch:
      return "config_mismatch";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::describe() const {
  std::string out = to_string(code);
  out += ": ";
  out += message;
  if (!subject.empty()) {
    out += " (subject=" + subject + ", sequence=" + std::to_string(sequence) + ")";
  }
  if (code == ErrorCode::kConcurrencyConflict) {
    out += " (current_version=" + std::to_string(current_version) + ")";
  }
  return out;
}

}  // namespace slotwise::events
