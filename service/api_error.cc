#include "service/api_error.h"

#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "service/utf8.h"

namespace slotwise::service {

std::string error_body(const ApiError& error) {
  const std::string code = sanitize_utf8(error.code);
  const std::string message = sanitize_utf8(error.message);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

ApiError invalid_request(std::string message) {
  return ApiError{400, error_code::kInvalidRequest, std::move(message)};
}

ApiError payload_too_large() {
  return ApiError{413, error_code::kPayloadTooLarge, "request body is too large"};
}

}  // namespace slotwise::service
