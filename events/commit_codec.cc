#include "events/commit_codec.h"

#include "events/header_message.h"

#include <google/protobuf/util/time_util.h>

#include <array>
#include <cstdlib>

namespace slotwise::events {

namespace {

std::string header_or_empty(natsMsg* msg, const char* key) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg, key, &value) == NATS_OK && value != nullptr) return value;
  return {};
}

Error decode_error(std::string_view subject, std::uint64_t sequence, std::string why) {
  Error e;
  e.code = ErrorCode::kDecodeError;
  e.message = std::move(why);
  e.subject = std::string(subject);
  e.sequence = sequence;
  return e;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> message_headers(natsMsg* msg) {
  std::vector<std::pair<std::string, std::string>> out;
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) != NATS_OK || keys == nullptr) return out;
  for (int i = 0; i < count; ++i) {
    const char** values = nullptr;
    int n = 0;
    if (natsMsgHeader_Values(msg, keys[i], &values, &n) != NATS_OK || values == nullptr) continue;
    for (int j = 0; j < n; ++j) out.emplace_back(keys[i], values[j] == nullptr ? "" : values[j]);
    free(static_cast<void*>(values));  // NOLINT(cppcoreguidelines-no-malloc): nats.c allocates it
  }
  free(static_cast<void*>(keys));  // NOLINT(cppcoreguidelines-no-malloc): nats.c allocates it
  return out;
}

std::string format_rfc3339(std::chrono::system_clock::time_point t) {
  // Formatted by hand from the civil date: strftime and snprintf were ~2 % of
  // a pipelined append's client CPU (every commit carries ce-time).
  namespace chrono = std::chrono;
  const auto us = chrono::floor<chrono::microseconds>(t);
  const auto day = chrono::floor<chrono::days>(us);
  const chrono::year_month_day ymd{day};
  const chrono::hh_mm_ss<chrono::microseconds> hms{us - day};
  std::array<char, 32> buf{};
  char* out = buf.data();
  auto put = [&out](long long v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out += width;
  };
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) return "0000-01-01T00:00:00.000000Z";  // outside RFC 3339's range
  put(y, 4);
  *out++ = '-';
  put(static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  put(static_cast<unsigned>(ymd.day()), 2);
  *out++ = 'T';
  put(hms.hours().count(), 2);
  *out++ = ':';
  put(hms.minutes().count(), 2);
  *out++ = ':';
  put(hms.seconds().count(), 2);
  *out++ = '.';
  put(hms.subseconds().count(), 6);
  *out++ = 'Z';
  return {buf.data(), static_cast<std::size_t>(out - buf.data())};
}

std::string format_time_ns(std::int64_t ns) {
  return format_rfc3339(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(ns))));
}

EncodedCommit encode_commit(const AppendRequest& req, std::uint64_t previous_version,
                            const Digest& previous_hash,
                            std::chrono::system_clock::time_point now) {
  slotwise::events::v1::Commit c;
  c.set_commit_id(req.commit_id);
  c.set_category(req.aggregate.category);
  c.set_aggregate_id(req.aggregate.id);
  c.set_previous_version(previous_version);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch());
  *c.mutable_committed_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(ns.count());
  c.set_source(req.metadata.source);
  c.set_correlation_id(req.metadata.correlation_id);
  c.set_causation_id(req.metadata.causation_id);
  if (req.metadata.actor.kind() != slotwise::events::v1::ACTOR_KIND_UNSPECIFIED) {
    *c.mutable_actor() = req.metadata.actor;
  }
  int index = 0;
  for (const auto& ev : req.events) {
    auto* rec = c.add_events();
    rec->set_event_id(req.commit_id + ":" + std::to_string(index++));
    rec->mutable_payload()->set_type_url(type_url_for(ev.type));
    rec->mutable_payload()->set_value(ev.data);
  }
  EncodedCommit out;
  c.SerializeToString(&out.payload);
  out.hash = chain_hash(previous_hash, out.payload);
  return out;
}

Result<MsgPtr> build_message(const std::string& subject, const AppendRequest& req,
                             const EncodedCommit& encoded, std::uint64_t previous_version,
                             std::chrono::system_clock::time_point now, std::string_view reply) {
  std::string types;
  for (const auto& ev : req.events) {
    if (!types.empty()) types += ',';
    types += ev.type;
  }
  const std::string hash_hex = to_hex(encoded.hash);
  const std::string expected = std::to_string(previous_version);
  const std::string time = format_rfc3339(now);
  return make_header_message(
      subject,
      {
          {"ce-specversion", "1.0"},
          {"content-type", R"(application/protobuf; messageType="slotwise.events.v1.Commit")"},
          {"ce-id", req.commit_id},
          {"ce-type", req.events.front().type},
          {"ce-source", req.metadata.source},
          {"ce-time", time},
          {"ce-subject", req.aggregate.id},
          {"traceparent", req.metadata.traceparent},
          {"sw-correlation-id", req.metadata.correlation_id},
          {"sw-causation-id", req.metadata.causation_id},
          {"sw-event-types", types},
          {kHeaderHash, hash_hex},
          {kHeaderMsgId, req.commit_id},
          // Always sent, also as "0": the server then requires the subject to
          // be empty, which is how "no stream" is enforced.
          {kHeaderExpectedLastSubjectSeq, expected},
      },
      encoded.payload, reply);
}

Result<StoredCommit> decode_message(natsMsg* msg, std::string_view subject_prefix,
                                    std::uint64_t sequence, std::int64_t timestamp_ns) {
  StoredCommit out;
  out.subject = natsMsg_GetSubject(msg);
  out.sequence = sequence;
  out.timestamp_ns = timestamp_ns;
  auto ref = aggregate_of(subject_prefix, out.subject);
  if (!ref)
    return common::Unexpected<Error>{decode_error(out.subject, sequence, ref.error().message)};
  out.aggregate = std::move(ref).value();
  const char* data = natsMsg_GetData(msg);
  const int len = natsMsg_GetDataLength(msg);
  out.payload.assign(data == nullptr ? "" : data, static_cast<std::size_t>(len));
  out.hash_hex = header_or_empty(msg, kHeaderHash);
  if (!out.commit.ParseFromString(out.payload)) {
    return common::Unexpected<Error>{
        decode_error(out.subject, sequence, "commit bytes do not parse")};
  }
  if (out.commit.events_size() == 0) {
    return common::Unexpected<Error>{decode_error(out.subject, sequence, "commit holds no events")};
  }
  if (out.commit.category() != out.aggregate.category ||
      out.commit.aggregate_id() != out.aggregate.id) {
    return common::Unexpected<Error>{
        decode_error(out.subject, sequence, "commit names another aggregate than its subject")};
  }
  return out;
}

}  // namespace slotwise::events
