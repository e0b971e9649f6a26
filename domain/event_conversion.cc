#include "domain/event_conversion.h"

#include <google/protobuf/descriptor.h>

namespace slotwise::domain {

PackedEvent pack_message(const google::protobuf::Message& message) {
  PackedEvent packed;
  packed.first = message.GetDescriptor()->full_name();
  // Serialising a generated message of a known type cannot fail short of
  // exceeding 2 GiB, which no event comes near.
  (void)message.SerializeToString(&packed.second);
  return packed;
}

std::string_view type_name_of(const google::protobuf::Any& any) {
  const std::string_view url = any.type_url();
  const auto slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

}  // namespace slotwise::domain
