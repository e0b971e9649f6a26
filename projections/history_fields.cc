#include "projections/history_fields.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <array>

namespace slotwise::projections {
namespace {

constexpr std::array<std::string_view, 3> kNeverInHistory{"manage_token_sha256", "idempotency_key",
                                                          "request_sha256"};

}  // namespace

bool never_in_history(std::string_view field) {
  return std::find(kNeverInHistory.begin(), kNeverInHistory.end(), field) != kNeverInHistory.end();
}

void drop_never_in_history(google::protobuf::Message& event) {
  const google::protobuf::Descriptor& d = *event.GetDescriptor();
  for (const std::string_view name : kNeverInHistory) {
    if (const auto* f = d.FindFieldByName(std::string(name)); f != nullptr) {
      event.GetReflection()->ClearField(&event, f);
    }
  }
}

}  // namespace slotwise::projections
