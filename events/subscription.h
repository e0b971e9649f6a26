// Consuming the log as it grows.
//
// DurableSubscription: a durable pull consumer (explicit ack, batch fetch) for
// projectors and the notifier. The server remembers the position, so a
// restarted process continues where it acknowledged; deliveries that are not
// acknowledged within ack_wait are redelivered.
//
// TailSubscription: an ordered ephemeral consumer for tailing (the CLI's
// `tail`, tests): no server-side state to clean up, gaps are detected and the
// consumer recreated by nats.c, delivery is strictly in stream order.
//
// Thread safety: one subscription per thread (nats.c subscriptions are not
// meant for concurrent fetches).
// Errors: fetch/next time out with an empty result, not an error; a
// delivery that does not decode is returned with its DecodeError so the
// consumer can dead-letter it and carry on.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/append_request.h"
#include "events/nats_handles.h"
#include "events/stream_spec.h"

namespace slotwise::events {

class EventStore;

struct Delivery {
  std::string subject;
  std::uint64_t sequence = 0;
  std::int64_t timestamp_ns = 0;
  std::uint64_t num_pending = 0;  // messages after this one, as the server saw it
  std::uint64_t num_delivered = 1;
  Result<StoredCommit> commit = make_error(ErrorCode::kInternal, "not decoded");
  MsgPtr msg;  // kept for acknowledgement
};

class DurableSubscription {
 public:
  // Creates the durable consumer if missing (see ensure_consumer) and binds.
  [[nodiscard]] static Result<std::unique_ptr<DurableSubscription>> open(const EventStore& store,
                                                                         const ConsumerSpec& spec);
  // Up to `batch` deliveries: those ready now; when none is, waits at most
  // `timeout` for the first and takes what is ready with it. (nats.c's own
  // Fetch, finding nothing ready, asks the server for the whole batch and
  // waits until it is full or the timeout passes: a live consumer then saw
  // each event up to a batch's filling time late.)
  [[nodiscard]] Result<std::vector<Delivery>> fetch(int batch, std::chrono::milliseconds timeout);
  // Acknowledges one delivery (and, the policy being explicit, only it).
  [[nodiscard]] static Status ack(Delivery& d);
  // Acknowledges and waits for the server's confirmation.
  [[nodiscard]] static Status ack_sync(Delivery& d);
  // Asks for redelivery now.
  [[nodiscard]] static Status nak(Delivery& d);

 private:
  // One pull request: `batch` ready deliveries (no_wait), or waiting up to
  // `timeout` for `batch` of them.
  Status pull(std::vector<Delivery>& out, int batch, bool no_wait,
              std::chrono::milliseconds timeout);
  DurableSubscription(SubscriptionPtr sub, std::string prefix)
      : sub_(std::move(sub)), prefix_(std::move(prefix)) {}
  SubscriptionPtr sub_;
  std::string prefix_;
};

struct TailStart {
  enum class Kind { kAll, kFromSequence, kFromTime, kNew };
  Kind kind = Kind::kNew;
  std::uint64_t sequence = 0;
  std::int64_t time_ns = 0;
};

class TailSubscription {
 public:
  [[nodiscard]] static Result<std::unique_ptr<TailSubscription>> open(
      const EventStore& store, const std::string& filter_subject, TailStart start);
  // The next commit, or nullopt when none arrives within `timeout`.
  [[nodiscard]] Result<std::optional<Delivery>> next(std::chrono::milliseconds timeout);

 private:
  TailSubscription(SubscriptionPtr sub, std::string prefix)
      : sub_(std::move(sub)), prefix_(std::move(prefix)) {}
  SubscriptionPtr sub_;
  std::string prefix_;
};

}  // namespace slotwise::events
