#include "events/stream_spec.h"

#include <array>
#include <vector>

#include "events/nats_handles.h"
#include "events/nats_status.h"

namespace slotwise::events {

namespace {

constexpr std::int64_t kNanosPerSecond = 1000000000;

StreamState state_of(const jsStreamInfo& si, bool created) {
  StreamState st;
  st.messages = si.State.Msgs;
  st.bytes = si.State.Bytes;
  st.first_sequence = si.State.FirstSeq;
  st.last_sequence = si.State.LastSeq;
  st.first_time_ns = si.State.FirstTime;
  st.last_time_ns = si.State.LastTime;
  st.created = created;
  return st;
}

// Every difference between an existing stream and the spec that we refuse to
// change silently: a wrong retention or a limit could lose events.
std::vector<std::string> differences(const jsStreamConfig& have, const StreamSpec& want) {
  std::vector<std::string> out;
  const std::string wildcard = want.wildcard();
  if (have.SubjectsLen != 1 || wildcard != have.Subjects[0]) {
    out.emplace_back("subjects must be exactly [" + wildcard + "]");
  }
  if (have.Storage != js_FileStorage) out.emplace_back("storage must be file");
  if (have.Retention != js_LimitsPolicy) out.emplace_back("retention must be limits");
  if (have.MaxAge != 0) out.emplace_back("max_age must be unlimited");
  if (have.MaxMsgs > 0) out.emplace_back("max_msgs must be unlimited");
  if (have.MaxBytes > 0) out.emplace_back("max_bytes must be unlimited");
  if (have.MaxMsgsPerSubject > 0) out.emplace_back("max_msgs_per_subject must be unlimited");
  if (!have.DenyDelete) out.emplace_back("deny_delete must be set");
  if (!have.DenyPurge) out.emplace_back("deny_purge must be set");
  if (!have.AllowDirect) out.emplace_back("allow_direct must be set");
  if (have.Replicas != want.replicas) {
    out.emplace_back("replicas is " + std::to_string(have.Replicas) + ", want " +
                     std::to_string(want.replicas));
  }
  if (have.Duplicates != want.duplicate_window.count() * kNanosPerSecond) {
    out.emplace_back("duplicate window is " + std::to_string(have.Duplicates / kNanosPerSecond) +
                     "s, want " + std::to_string(want.duplicate_window.count()) + "s");
  }
  return out;
}

}  // namespace

Result<StreamState> stream_state(jsCtx* js, const StreamSpec& spec) {
  jsStreamInfo* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetStreamInfo(&raw, js, spec.name.c_str(), nullptr, &code);
  StreamInfoPtr si(raw);
  if (s != NATS_OK)
    return common::Unexpected<Error>{from_nats(s, code, "stream info " + spec.name)};
  return state_of(*si, false);
}

Result<StreamState> ensure_stream(jsCtx* js, const StreamSpec& spec) {
  jsStreamInfo* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw, js, spec.name.c_str(), nullptr, &code);
  StreamInfoPtr si(raw);
  if (s == NATS_OK) {
    const auto diffs = differences(*si->Config, spec);
    if (!diffs.empty()) {
      std::string msg = "stream " + spec.name + " exists with an incompatible configuration:";
      for (const auto& d : diffs) msg += " " + d + ";";
      return make_error(ErrorCode::kConfigMismatch, msg);
    }
    return state_of(*si, false);
  }
  if (s != NATS_NOT_FOUND && code != JSStreamNotFoundErr) {
    return common::Unexpected<Error>{from_nats(s, code, "stream info " + spec.name)};
  }
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  const std::string wildcard = spec.wildcard();
  std::array<const char*, 1> subjects = {wildcard.c_str()};
  cfg.Name = spec.name.c_str();
  cfg.Description = "SlotWise event log (source of truth)";
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Retention = js_LimitsPolicy;
  cfg.Replicas = spec.replicas;
  cfg.Duplicates = spec.duplicate_window.count() * kNanosPerSecond;
  cfg.DenyDelete = true;
  cfg.DenyPurge = true;
  cfg.AllowDirect = true;
  raw = nullptr;
  s = js_AddStream(&raw, js, &cfg, nullptr, &code);
  StreamInfoPtr created(raw);
  if (s != NATS_OK) {
    if (code == JSStreamNameExistErr) return ensure_stream(js, spec);  // lost a creation race
    return common::Unexpected<Error>{from_nats(s, code, "create stream " + spec.name)};
  }
  return state_of(*created, true);
}

namespace {
ConsumerState consumer_state_of(const jsConsumerInfo& ci, bool created) {
  ConsumerState st;
  st.name = ci.Name != nullptr ? ci.Name : "";
  st.delivered_stream_sequence = ci.Delivered.Stream;
  st.ack_floor_stream_sequence = ci.AckFloor.Stream;
  st.num_pending = ci.NumPending;
  st.num_ack_pending = static_cast<std::uint64_t>(ci.NumAckPending);
  st.created = created;
  return st;
}
}  // namespace

Result<ConsumerState> consumer_state(jsCtx* js, const StreamSpec& stream,
                                     const std::string& durable_name) {
  jsConsumerInfo* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s =
      js_GetConsumerInfo(&raw, js, stream.name.c_str(), durable_name.c_str(), nullptr, &code);
  ConsumerInfoPtr ci(raw);
  if (s != NATS_OK) {
    return common::Unexpected<Error>{from_nats(s, code, "consumer info " + durable_name)};
  }
  return consumer_state_of(*ci, false);
}

Result<ConsumerState> ensure_consumer(jsCtx* js, const StreamSpec& stream,
                                      const ConsumerSpec& spec) {
  if (spec.durable_name.empty() || spec.durable_name.find('.') != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      "consumer name must be non-empty and contain no '.'");
  }
  jsConsumerInfo* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_GetConsumerInfo(&raw, js, stream.name.c_str(), spec.durable_name.c_str(), nullptr, &code);
  ConsumerInfoPtr ci(raw);
  if (s == NATS_OK) {
    const char* filter = ci->Config->FilterSubject != nullptr ? ci->Config->FilterSubject : "";
    if (spec.filter_subject != filter || ci->Config->AckPolicy != js_AckExplicit ||
        ci->Config->DeliverSubject != nullptr) {
      return make_error(ErrorCode::kConfigMismatch,
                        "consumer " + spec.durable_name + " exists with filter '" + filter +
                            "' or another ack/delivery policy than requested");
    }
    return consumer_state_of(*ci, false);
  }
  if (s != NATS_NOT_FOUND && code != JSConsumerNotFoundErr) {
    return common::Unexpected<Error>{from_nats(s, code, "consumer info " + spec.durable_name)};
  }
  jsConsumerConfig cfg;
  jsConsumerConfig_Init(&cfg);
  cfg.Durable = spec.durable_name.c_str();
  cfg.AckPolicy = js_AckExplicit;
  cfg.DeliverPolicy = js_DeliverAll;
  cfg.AckWait = spec.ack_wait.count() * kNanosPerSecond;
  cfg.MaxAckPending = spec.max_ack_pending;
  if (!spec.filter_subject.empty()) cfg.FilterSubject = spec.filter_subject.c_str();
  raw = nullptr;
  s = js_AddConsumer(&raw, js, stream.name.c_str(), &cfg, nullptr, &code);
  ConsumerInfoPtr created(raw);
  if (s != NATS_OK) {
    return common::Unexpected<Error>{from_nats(s, code, "create consumer " + spec.durable_name)};
  }
  return consumer_state_of(*created, true);
}

}  // namespace slotwise::events
