#include "events/pub_ack.h"

#include <rapidjson/document.h>

#include <string>

#include "events/nats_status.h"

namespace slotwise::events {

namespace {

std::string context_of(std::string_view subject) { return "append to " + std::string(subject); }

Error not_a_pub_ack(std::string_view subject, std::string_view why) {
  Error e;
  e.code = ErrorCode::kInternal;
  e.message = context_of(subject) + ": unexpected acknowledgement (" + std::string(why) + ")";
  return e;
}

}  // namespace

Result<PubAck> parse_pub_ack_json(std::string_view body, std::string_view subject) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseStopWhenDoneFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return common::Unexpected<Error>{not_a_pub_ack(subject, "not a JSON object")};
  }
  if (const auto err = doc.FindMember("error"); err != doc.MemberEnd()) {
    if (!err->value.IsObject()) {
      return common::Unexpected<Error>{not_a_pub_ack(subject, "error is not an object")};
    }
    const auto& o = err->value;
    const auto code = o.FindMember("err_code");
    const auto text = o.FindMember("description");
    const std::string description =
        text != o.MemberEnd() && text->value.IsString() ? text->value.GetString() : "";
    jsPubAckErr pae{};
    pae.Err = NATS_ERR;
    pae.ErrCode = code != o.MemberEnd() && code->value.IsUint()
                      ? static_cast<jsErrCode>(code->value.GetUint())
                      : static_cast<jsErrCode>(0);
    pae.ErrText = description.c_str();
    return common::Unexpected<Error>{from_pub_ack_error(pae, context_of(subject))};
  }
  const auto seq = doc.FindMember("seq");
  if (seq == doc.MemberEnd() || !seq->value.IsUint64() || seq->value.GetUint64() == 0) {
    return common::Unexpected<Error>{not_a_pub_ack(subject, "no sequence")};
  }
  PubAck ack;
  ack.sequence = seq->value.GetUint64();
  if (const auto dup = doc.FindMember("duplicate"); dup != doc.MemberEnd()) {
    ack.duplicate = dup->value.IsBool() && dup->value.GetBool();
  }
  return ack;
}

Result<PubAck> parse_pub_ack(natsMsg* reply, std::string_view subject) {
  const int len = natsMsg_GetDataLength(reply);
  if (len == 0) {
    // A status-only message: 503 is the server's "no responders" (no stream
    // takes the subject, or JetStream is not up yet); nats.c reports the same
    // as NATS_NO_RESPONDERS to its own acknowledgement handlers.
    const char* status = nullptr;
    if (natsMsgHeader_Get(reply, "Status", &status) == NATS_OK && status != nullptr &&
        std::string_view(status) == "503") {
      jsPubAckErr pae{};
      pae.Err = NATS_NO_RESPONDERS;
      return common::Unexpected<Error>{from_pub_ack_error(pae, context_of(subject))};
    }
    return common::Unexpected<Error>{not_a_pub_ack(subject, "empty reply")};
  }
  return parse_pub_ack_json(std::string_view(natsMsg_GetData(reply), static_cast<std::size_t>(len)),
                            subject);
}

}  // namespace slotwise::events
