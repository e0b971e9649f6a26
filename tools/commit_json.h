// Rendering commits of the log as JSON for people and programs: the proto3
// JSON mapping (events::event_json, i.e. MessageToJsonString's output) of each event,
// resolved from its google.protobuf.Any through the generated descriptor
// pool, plus the commit's envelope (sequence, subject, time, commit id,
// correlation/causation, actor, version).
//
// Every generated file of schemas/slotwise/events/v1 is linked in by
// event_types_linked(), so an Any of any event type resolves.
//
// Thread safety: pure functions over the (thread-safe) generated pool.
// Errors: an event this build does not know, or bytes that do not parse,
// render as {"@type": url, "@error": why} instead of failing the whole
// commit, so a tail or export never stops at one odd event.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "common/result.h"
#include "events/append_request.h"

namespace slotwise::tools {

// True when every event schema file is in the generated descriptor pool.
[[nodiscard]] bool event_types_linked();

// The proto3 JSON mapping of a message, compact; an error message on failure.
[[nodiscard]] common::Result<std::string, std::string> to_json(
    const google::protobuf::Message& message);

// One event of a commit, decoded.
struct EventJson {
  int index = 0;
  std::string event_id;
  std::string type;  // full protobuf name, e.g. slotwise.events.v1.BookingConfirmed
  std::string json;  // the event's fields (proto3 JSON), or {"@error": …}
  bool decoded = false;
};

[[nodiscard]] std::vector<EventJson> events_of(const events::StoredCommit& commit);

// The whole commit as proto3 JSON (Any payloads expanded with "@type").
// Falls back to the envelope with undecodable payloads marked.
[[nodiscard]] std::string commit_json(const slotwise::events::v1::Commit& commit);

// "owner:usr_1", "system:hold-sweeper", "-" when unset.
[[nodiscard]] std::string describe_actor(const slotwise::events::v1::Actor& actor);

// One JSON object for one event with its envelope:
// {"sequence","subject","time","category","aggregate_id","version",
//  "commit_id","event_id","event_index","type","correlation_id",
//  "causation_id","actor","source","committed_at","event":{…}}.
// `pretty` indents it for --format json.
[[nodiscard]] std::string event_envelope_json(const events::StoredCommit& commit,
                                              const EventJson& event, bool pretty);

// The commit's committed_at (writer's clock) as RFC 3339, "" when unset.
[[nodiscard]] std::string committed_at(const slotwise::events::v1::Commit& commit);

}  // namespace slotwise::tools
