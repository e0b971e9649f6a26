#include "tools/commit_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/time_util.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>

#include "events/commit_codec.h"
#include "events/event_codec.h"
#include "events/event_json.h"
#include "slotwise/events/v1/account.pb.h"
#include "slotwise/events/v1/business.pb.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/commit.pb.h"
#include "slotwise/events/v1/common.pb.h"
#include "slotwise/events/v1/payment.pb.h"

namespace slotwise::tools {

namespace v1 = slotwise::events::v1;

bool event_types_linked() {
  // Naming one message of each generated file makes the linker keep that
  // file's object, whose static initialiser registers it in the pool.
  const std::array<const google::protobuf::Descriptor*, 6> anchors = {
      v1::UserRegistered::descriptor(),
      v1::BusinessCreated::descriptor(),
      v1::BookingConfirmed::descriptor(),
      v1::Commit::descriptor(),
      v1::Money::descriptor(),
      v1::PaymentSucceeded::descriptor()};
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  return std::ranges::all_of(anchors, [pool](const google::protobuf::Descriptor* d) {
    return d != nullptr && pool->FindFileByName(d->file()->name()) != nullptr;
  });
}

common::Result<std::string, std::string> to_json(const google::protobuf::Message& message) {
  return events::event_json(message, events::JsonNames::kLowerCamel);
}

namespace {

std::string error_json(const std::string& type_url, const std::string& why) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("@type");
  w.String(type_url.c_str());
  w.Key("@error");
  w.String(why.c_str());
  w.EndObject();
  return buf.GetString();
}

}  // namespace

std::vector<EventJson> events_of(const events::StoredCommit& commit) {
  std::vector<EventJson> out;
  int index = 0;
  for (const auto& rec : commit.commit.events()) {
    EventJson e;
    e.index = index++;
    e.event_id = rec.event_id();
    e.type = std::string(events::type_name_of(rec.payload()));
    auto message = events::unpack(rec.payload());
    if (!message) {
      e.json = error_json(rec.payload().type_url(), message.error().message);
    } else if (auto json = to_json(*message.value()); json) {
      e.json = std::move(json).value();
      e.decoded = true;
    } else {
      e.json = error_json(rec.payload().type_url(), json.error());
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string commit_json(const v1::Commit& commit) {
  if (auto whole = to_json(commit); whole) return std::move(whole).value();
  // Some payload does not resolve: render the envelope, then each event
  // on its own so the readable ones still are.
  v1::Commit envelope = commit;
  envelope.clear_events();
  auto head = to_json(envelope);
  rapidjson::Document doc;
  doc.Parse(head ? head.value().c_str() : "{}");
  if (!doc.IsObject()) doc.SetObject();
  auto& alloc = doc.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& rec : commit.events()) {
    rapidjson::Value item(rapidjson::kObjectType);
    item.AddMember("eventId", rapidjson::Value(rec.event_id().c_str(), alloc), alloc);
    std::string payload;
    auto message = events::unpack(rec.payload());
    auto json = message ? to_json(*message.value())
                        : common::Result<std::string, std::string>(
                              common::fail(std::string(message.error().message)));
    rapidjson::Document p;
    if (json) {
      p.Parse(json.value().c_str());
      if (p.IsObject()) {
        p.AddMember("@type", rapidjson::Value(rec.payload().type_url().c_str(), p.GetAllocator()),
                    p.GetAllocator());
      }
    } else {
      p.Parse(error_json(rec.payload().type_url(), json.error()).c_str());
    }
    item.AddMember("payload", rapidjson::Value(p, alloc), alloc);
    list.PushBack(item, alloc);
  }
  doc.AddMember("events", list, alloc);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return buf.GetString();
}

std::string describe_actor(const v1::Actor& actor) {
  if (actor.kind() == v1::ACTOR_KIND_UNSPECIFIED && actor.id().empty()) return "-";
  std::string kind = v1::ActorKind_Name(actor.kind());
  const std::string prefix = "ACTOR_KIND_";
  if (kind.rfind(prefix, 0) == 0) kind = kind.substr(prefix.size());
  for (auto& c : kind) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return kind + ":" + actor.id();
}

std::string committed_at(const v1::Commit& commit) {
  if (!commit.has_committed_at()) return "";
  return events::format_time_ns(
      google::protobuf::util::TimeUtil::TimestampToNanoseconds(commit.committed_at()));
}

std::string event_envelope_json(const events::StoredCommit& commit, const EventJson& event,
                                bool pretty) {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  auto str = [&a](const std::string& s) { return rapidjson::Value(s.c_str(), a); };
  const auto& c = commit.commit;
  doc.AddMember("sequence", commit.sequence, a);
  doc.AddMember("subject", str(commit.subject), a);
  doc.AddMember("time", str(events::format_time_ns(commit.timestamp_ns)), a);
  doc.AddMember("category", str(commit.aggregate.category), a);
  doc.AddMember("aggregate_id", str(commit.aggregate.id), a);
  doc.AddMember("version", commit.sequence, a);
  doc.AddMember("previous_version", c.previous_version(), a);
  doc.AddMember("commit_id", str(c.commit_id()), a);
  doc.AddMember("event_id", str(event.event_id), a);
  doc.AddMember("event_index", event.index, a);
  doc.AddMember("type", str(event.type), a);
  doc.AddMember("correlation_id", str(c.correlation_id()), a);
  doc.AddMember("causation_id", str(c.causation_id()), a);
  doc.AddMember("actor", str(describe_actor(c.actor())), a);
  doc.AddMember("source", str(c.source()), a);
  doc.AddMember("committed_at", str(committed_at(c)), a);
  rapidjson::Document body(&a);
  body.Parse(event.json.c_str());
  if (body.HasParseError()) body.SetObject();
  doc.AddMember("event", rapidjson::Value(body, a), a);
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    doc.Accept(w);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    doc.Accept(w);
  }
  return buf.GetString();
}

}  // namespace slotwise::tools
