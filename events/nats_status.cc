#include "events/nats_status.h"

#include <charconv>
#include <string>

namespace slotwise::events {

namespace {

ErrorCode classify(natsStatus status, jsErrCode js_code) {
  switch (js_code) {
    case JSStreamWrongLastSequenceErr:
      return ErrorCode::kConcurrencyConflict;
    case JSStreamNotFoundErr:
    case JSConsumerNotFoundErr:
    case JSNoMessageFoundErr:
      return ErrorCode::kNotFound;
    case JSNotEnabledErr:
    case JSNotEnabledForAccountErr:
      return ErrorCode::kUnavailable;
    default:
      break;
  }
  switch (status) {
    case NATS_TIMEOUT:
    case NATS_NO_RESPONDERS:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_SERVER:
    case NATS_NOT_YET_CONNECTED:
    case NATS_STALE_CONNECTION:
    case NATS_IO_ERROR:
      return ErrorCode::kUnavailable;
    case NATS_NOT_FOUND:
      return ErrorCode::kNotFound;
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

std::uint64_t parse_wrong_last_sequence(std::string_view text) {
  const auto pos = text.rfind(':');
  if (pos == std::string_view::npos) return 0;
  std::string_view digits = text.substr(pos + 1);
  while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
  std::uint64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

Error from_nats(natsStatus status, jsErrCode js_code, std::string_view context) {
  Error e;
  e.code = classify(status, js_code);
  natsStatus ignored = NATS_OK;
  const char* last = nats_GetLastError(&ignored);
  e.message = std::string(context) + ": " + natsStatus_GetText(status);
  if (last != nullptr && *last != '\0') e.message += std::string(" (") + last + ")";
  if (js_code != 0)
    e.message += " [jetstream error " + std::to_string(static_cast<int>(js_code)) + "]";
  if (e.code == ErrorCode::kConcurrencyConflict && last != nullptr) {
    e.current_version = parse_wrong_last_sequence(last);
  }
  return e;
}

Error from_pub_ack_error(const jsPubAckErr& pae, std::string_view context) {
  Error e;
  e.code = classify(pae.Err, pae.ErrCode);
  const std::string text = pae.ErrText != nullptr ? pae.ErrText : natsStatus_GetText(pae.Err);
  e.message = std::string(context) + ": " + text;
  if (e.code == ErrorCode::kConcurrencyConflict)
    e.current_version = parse_wrong_last_sequence(text);
  return e;
}

}  // namespace slotwise::events
