// The one place where nats.c statuses and JetStream error codes become
// events::Error values (docs/adr/0003-error-handling.md).
//
// Thread safety: reads nats.c's thread-local last-error text; call it on the
// thread that got the status.
#pragma once

#include <nats/nats.h>

#include <string_view>

#include "events/error.h"

namespace slotwise::events {

[[nodiscard]] Error from_nats(natsStatus status, jsErrCode js_code, std::string_view context);
[[nodiscard]] Error from_pub_ack_error(const jsPubAckErr& pae, std::string_view context);

// Parses the current version out of "wrong last sequence: N"; 0 if absent.
[[nodiscard]] std::uint64_t parse_wrong_last_sequence(std::string_view text);

}  // namespace slotwise::events
