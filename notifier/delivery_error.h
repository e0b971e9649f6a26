// DeliveryError: why one message could not be handed to its provider (SMTP
// server or SMS API), classified for the sender's retry policy.
//
// Thread safety: plain value.
#pragma once

#include <string>

#include "common/result.h"

namespace slotwise::notifier {

struct DeliveryError {
  bool permanent = false;  // 5xx: recorded as failed, never retried
  int code = 0;            // SMTP reply or HTTP status; 0 when there was none
  std::string message;
};

using DeliveryResult = common::Result<common::Unit, DeliveryError>;

}  // namespace slotwise::notifier
