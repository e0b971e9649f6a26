// parse_pub_ack: turns JetStream's reply to a published commit into a value.
//
// The append pipeline publishes commits with core NATS publishes whose reply
// subjects it subscribes to itself (ADR 0012) instead of through nats.c's
// js_PublishMsgAsync, so it reads the server's answer here: a status-only
// message ("NATS/1.0 503": no stream listens on the subject), a JSON PubAck
// ({"stream":"S","seq":N,"duplicate":true}) or a JSON API error
// ({"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 7"}}).
// Errors are classified by the same code as nats.c's own acknowledgements
// (nats_status.h), so a conflict still carries the current version.
//
// Thread safety: a pure function of the message.
// Errors: kConcurrencyConflict (with current_version), kUnavailable (no
// responders), kNotFound, kInternal (an answer that is not a PubAck).
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <string_view>

#include "events/error.h"

namespace slotwise::events {

struct PubAck {
  std::uint64_t sequence = 0;
  bool duplicate = false;
};

// `subject` is the commit's subject; error messages read "append to
// <subject>: ..." (built only for an error: this runs once per append).
[[nodiscard]] Result<PubAck> parse_pub_ack(natsMsg* reply, std::string_view subject);

// The same for a reply body alone (what the tests feed it).
[[nodiscard]] Result<PubAck> parse_pub_ack_json(std::string_view body, std::string_view subject);

}  // namespace slotwise::events
