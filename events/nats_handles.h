// RAII owners for nats.c handles: each is a unique_ptr whose deleter is the
// matching *_Destroy function, so no handle leaks on an early return.
//
// Thread safety: as the underlying nats.c object (connections and JetStream
// contexts are thread-safe; messages and subscriptions are not shared here).
#pragma once

#include <nats/nats.h>

#include <memory>

namespace slotwise::events {

template <class T, void (*Destroy)(T*)>
struct NatsDeleter {
  void operator()(T* p) const noexcept {
    if (p != nullptr) Destroy(p);
  }
};

using OptionsPtr = std::unique_ptr<natsOptions, NatsDeleter<natsOptions, natsOptions_Destroy>>;
using ConnectionPtr =
    std::unique_ptr<natsConnection, NatsDeleter<natsConnection, natsConnection_Destroy>>;
using JsContextPtr = std::unique_ptr<jsCtx, NatsDeleter<jsCtx, jsCtx_Destroy>>;
using MsgPtr = std::unique_ptr<natsMsg, NatsDeleter<natsMsg, natsMsg_Destroy>>;
using SubscriptionPtr =
    std::unique_ptr<natsSubscription, NatsDeleter<natsSubscription, natsSubscription_Destroy>>;
using StreamInfoPtr =
    std::unique_ptr<jsStreamInfo, NatsDeleter<jsStreamInfo, jsStreamInfo_Destroy>>;
using ConsumerInfoPtr =
    std::unique_ptr<jsConsumerInfo, NatsDeleter<jsConsumerInfo, jsConsumerInfo_Destroy>>;
using PubAckPtr = std::unique_ptr<jsPubAck, NatsDeleter<jsPubAck, jsPubAck_Destroy>>;
using MetaDataPtr =
    std::unique_ptr<jsMsgMetaData, NatsDeleter<jsMsgMetaData, jsMsgMetaData_Destroy>>;

// natsMsgList is a struct by value whose contents need natsMsgList_Destroy.
class MsgList {
 public:
  MsgList() = default;
  MsgList(const MsgList&) = delete;
  MsgList& operator=(const MsgList&) = delete;
  ~MsgList() { natsMsgList_Destroy(&list_); }
  natsMsgList* get() { return &list_; }
  [[nodiscard]] int size() const { return list_.Count; }
  [[nodiscard]] natsMsg* at(int i) const { return list_.Msgs[i]; }

 private:
  natsMsgList list_{};
};

}  // namespace slotwise::events
