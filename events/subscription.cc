#include "events/subscription.h"

#include "events/commit_codec.h"
#include "events/event_store.h"
#include "events/nats_status.h"

namespace slotwise::events {

namespace {

Result<Delivery> to_delivery(natsMsg* raw, const std::string& prefix) {
  MsgPtr msg(raw);
  jsMsgMetaData* raw_meta = nullptr;
  if (natsMsg_GetMetaData(&raw_meta, msg.get()) != NATS_OK) {
    return make_error(ErrorCode::kInternal, "delivery without JetStream metadata");
  }
  MetaDataPtr meta(raw_meta);
  Delivery d;
  d.subject = natsMsg_GetSubject(msg.get());
  d.sequence = meta->Sequence.Stream;
  d.timestamp_ns = meta->Timestamp;
  d.num_pending = meta->NumPending;
  d.num_delivered = meta->NumDelivered;
  d.commit = decode_message(msg.get(), prefix, d.sequence, d.timestamp_ns);
  d.msg = std::move(msg);
  return d;
}

}  // namespace

Result<std::unique_ptr<DurableSubscription>> DurableSubscription::open(const EventStore& store,
                                                                       const ConsumerSpec& spec) {
  auto ensured = ensure_consumer(store.js(), store.stream(), spec);
  if (!ensured) return common::Unexpected<Error>{ensured.error()};
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = store.stream().name.c_str();
  so.Consumer = spec.durable_name.c_str();
  so.ManualAck = true;
  const std::string filter =
      spec.filter_subject.empty() ? store.stream().wildcard() : spec.filter_subject;
  natsSubscription* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = js_PullSubscribe(&raw, store.js(), filter.c_str(), spec.durable_name.c_str(),
                                        nullptr, &so, &code);
  SubscriptionPtr sub(raw);
  if (s != NATS_OK) {
    return common::Unexpected<Error>{from_nats(s, code, "bind consumer " + spec.durable_name)};
  }
  return std::unique_ptr<DurableSubscription>(
      new DurableSubscription(std::move(sub), store.stream().subject_prefix));
}

Status DurableSubscription::pull(std::vector<Delivery>& out, int batch, bool no_wait,
                                 std::chrono::milliseconds timeout) {
  jsFetchRequest req;
  jsFetchRequest_Init(&req);
  req.Batch = batch;
  req.NoWait = no_wait;
  req.Expires = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
  MsgList list;
  const natsStatus s = natsSubscription_FetchRequest(list.get(), sub_.get(), &req);
  if (s == NATS_TIMEOUT || s == NATS_NOT_FOUND) return common::Unit{};
  if (s != NATS_OK)
    return common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), "fetch")};
  out.reserve(out.size() + static_cast<std::size_t>(list.size()));
  for (int i = 0; i < list.size(); ++i) {
    natsMsg* m = list.at(i);
    list.get()->Msgs[i] = nullptr;  // ownership moves to the Delivery
    auto d = to_delivery(m, prefix_);
    if (!d) return common::Unexpected<Error>{d.error()};
    out.push_back(std::move(d).value());
  }
  return common::Unit{};
}

Result<std::vector<Delivery>> DurableSubscription::fetch(int batch,
                                                         std::chrono::milliseconds timeout) {
  std::vector<Delivery> out;
  if (batch <= 0) return out;
  if (auto s = pull(out, batch, true, timeout); !s || !out.empty()) {
    if (!s) return common::Unexpected<Error>{s.error()};
    return out;
  }
  if (auto s = pull(out, 1, false, timeout); !s) return common::Unexpected<Error>{s.error()};
  if (out.empty() || batch == 1) return out;
  if (auto s = pull(out, batch - 1, true, timeout); !s) {
    return common::Unexpected<Error>{s.error()};
  }
  return out;
}

Status DurableSubscription::ack(Delivery& d) {
  const natsStatus s = natsMsg_Ack(d.msg.get(), nullptr);
  if (s != NATS_OK)
    return common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), "ack")};
  return common::Unit{};
}

Status DurableSubscription::ack_sync(Delivery& d) {
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = natsMsg_AckSync(d.msg.get(), nullptr, &code);
  if (s != NATS_OK) return common::Unexpected<Error>{from_nats(s, code, "ack")};
  return common::Unit{};
}

Status DurableSubscription::nak(Delivery& d) {
  const natsStatus s = natsMsg_Nak(d.msg.get(), nullptr);
  if (s != NATS_OK)
    return common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), "nak")};
  return common::Unit{};
}

Result<std::unique_ptr<TailSubscription>> TailSubscription::open(const EventStore& store,
                                                                 const std::string& filter_subject,
                                                                 TailStart start) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = store.stream().name.c_str();
  so.Ordered = true;
  switch (start.kind) {
    case TailStart::Kind::kAll:
      so.Config.DeliverPolicy = js_DeliverAll;
      break;
    case TailStart::Kind::kFromSequence:
      so.Config.DeliverPolicy = js_DeliverByStartSequence;
      so.Config.OptStartSeq = std::max<std::uint64_t>(1, start.sequence);
      break;
    case TailStart::Kind::kFromTime:
      so.Config.DeliverPolicy = js_DeliverByStartTime;
      so.Config.OptStartTime = start.time_ns;
      break;
    case TailStart::Kind::kNew:
      so.Config.DeliverPolicy = js_DeliverNew;
      break;
  }
  const std::string filter = filter_subject.empty() ? store.stream().wildcard() : filter_subject;
  natsSubscription* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = js_SubscribeSync(&raw, store.js(), filter.c_str(), nullptr, &so, &code);
  SubscriptionPtr sub(raw);
  if (s != NATS_OK) return common::Unexpected<Error>{from_nats(s, code, "tail " + filter)};
  return std::unique_ptr<TailSubscription>(
      new TailSubscription(std::move(sub), store.stream().subject_prefix));
}

Result<std::optional<Delivery>> TailSubscription::next(std::chrono::milliseconds timeout) {
  natsMsg* raw = nullptr;
  const natsStatus s = natsSubscription_NextMsg(&raw, sub_.get(), timeout.count());
  if (s == NATS_TIMEOUT) return std::optional<Delivery>{};
  if (s != NATS_OK)
    return common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), "tail")};
  auto d = to_delivery(raw, prefix_);
  if (!d) return common::Unexpected<Error>{d.error()};
  return std::optional<Delivery>(std::move(d).value());
}

}  // namespace slotwise::events
