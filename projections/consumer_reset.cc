#include "projections/consumer_reset.h"

#include <algorithm>

#include "events/nats_handles.h"
#include "events/nats_status.h"

namespace slotwise::projections {

events::Status delete_consumer(const events::EventStore& store, const std::string& durable_name) {
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = js_DeleteConsumer(store.js(), store.stream().name.c_str(),
                                         durable_name.c_str(), nullptr, &code);
  if (s != NATS_OK && s != NATS_NOT_FOUND && code != JSConsumerNotFoundErr) {
    return common::Unexpected<events::Error>{
        events::from_nats(s, code, "delete consumer " + durable_name)};
  }
  return common::Unit{};
}

events::Result<std::unique_ptr<events::DurableSubscription>> open_consumer_at(
    const events::EventStore& store, const events::ConsumerSpec& spec,
    std::uint64_t start_sequence) {
  const std::string& stream = store.stream().name;
  if (auto deleted = delete_consumer(store, spec.durable_name); !deleted) {
    return common::Unexpected<events::Error>{deleted.error()};
  }
  jsConsumerConfig cfg;
  jsConsumerConfig_Init(&cfg);
  cfg.Durable = spec.durable_name.c_str();
  cfg.AckPolicy = js_AckExplicit;
  cfg.DeliverPolicy = js_DeliverByStartSequence;
  cfg.OptStartSeq = std::max<std::uint64_t>(1, start_sequence);
  cfg.AckWait = std::chrono::duration_cast<std::chrono::nanoseconds>(spec.ack_wait).count();
  cfg.MaxAckPending = spec.max_ack_pending;
  if (!spec.filter_subject.empty()) cfg.FilterSubject = spec.filter_subject.c_str();
  jsConsumerInfo* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = js_AddConsumer(&raw, store.js(), stream.c_str(), &cfg, nullptr, &code);
  events::ConsumerInfoPtr created(raw);
  if (s != NATS_OK) {
    return common::Unexpected<events::Error>{
        events::from_nats(s, code, "create consumer " + spec.durable_name)};
  }
  return events::DurableSubscription::open(store, spec);
}

}  // namespace slotwise::projections
