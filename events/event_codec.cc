#include "events/event_codec.h"

#include <google/protobuf/descriptor.h>

namespace slotwise::events {

namespace {
constexpr std::string_view kTypeUrlPrefix = "type.googleapis.com/";
}

PackedEvent pack(const google::protobuf::Message& event) {
  PackedEvent p;
  p.type = event.GetDescriptor()->full_name();
  event.SerializeToString(&p.data);
  return p;
}

std::string type_url_for(std::string_view type) {
  std::string url(kTypeUrlPrefix);
  url.append(type);
  return url;
}

std::string_view type_name_of(const google::protobuf::Any& any) {
  std::string_view url = any.type_url();
  const auto slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

Result<std::unique_ptr<google::protobuf::Message>> unpack(const google::protobuf::Any& any) {
  const std::string type(type_name_of(any));
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  if (descriptor == nullptr) {
    Error e;
    e.code = ErrorCode::kUnknownEventType;
    e.message = "unknown event type '" + type + "'";
    e.event_type = type;
    return common::Unexpected<Error>{std::move(e)};
  }
  const auto* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  std::unique_ptr<google::protobuf::Message> msg(prototype->New());
  if (!msg->ParseFromString(any.value())) {
    Error e;
    e.code = ErrorCode::kDecodeError;
    e.message = "event of type '" + type + "' does not parse";
    e.event_type = type;
    return common::Unexpected<Error>{std::move(e)};
  }
  return msg;
}

}  // namespace slotwise::events
