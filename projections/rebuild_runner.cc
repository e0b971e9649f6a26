#include "projections/rebuild_runner.h"

#include "projections/consumer_reset.h"

namespace slotwise::projections {
namespace {

using Clock = std::chrono::steady_clock;

common::Unexpected<Error> from_events(const events::Error& e) {
  return make_error(
      e.code == events::ErrorCode::kUnavailable ? ErrorCode::kUnavailable : ErrorCode::kInternal,
      e.describe());
}

// Fetches from the rebuild consumer and applies into the shadow.
class Pump {
 public:
  Pump(const events::EventStore& store, ShadowRebuild& shadow, const RebuildOptions& options,
       const std::string& projection, const std::function<void(const RebuildProgress&)>& progress)
      : store_(store),
        shadow_(shadow),
        options_(options),
        spec_{"slotwise-rebuild-" + projection, "sw.evt.>", std::chrono::seconds(60),
              std::max(20000, 2 * options.batch)},
        progress_(progress) {}

  Status open() { return reopen(shadow_.position() + 1); }

  // Applies until the shadow's checkpoint reaches `target`.
  Status until(std::uint64_t target) {
    int empty = 0;
    while (shadow_.position() < target) {
      auto batch = sub_->fetch(options_.batch, options_.fetch_timeout);
      if (!batch) return from_events(batch.error());
      if (batch.value().empty()) {
        if (++empty >= options_.max_empty_fetches) {
          return make_error(ErrorCode::kUnavailable,
                            "no deliveries from the stream while commits up to sequence " +
                                std::to_string(target) + " are missing");
        }
        continue;
      }
      empty = 0;
      auto out = shadow_.apply(batch.value());
      if (!out) return common::Unexpected<Error>{out.error()};
      for (std::size_t i = 0; i < out.value().handled; ++i) {
        if (!events::DurableSubscription::ack(batch.value()[i])) break;  // redelivery is a no-op
      }
      report_.commits += out.value().applied_commits;
      report_.events += out.value().events_applied;
      progress_(RebuildProgress{report_.commits, shadow_.position(), std::max(target, head_)});
      if (out.value().gap) {
        if (auto r = reopen(shadow_.position() + 1); !r) return r;
      }
    }
    return common::Unit{};
  }

  void close() { (void)delete_consumer(store_, spec_.durable_name); }
  [[nodiscard]] RebuildReport& report() { return report_; }
  void set_head(std::uint64_t head) { head_ = head; }

 private:
  Status reopen(std::uint64_t from) {
    auto sub = open_consumer_at(store_, spec_, from);
    if (!sub) return from_events(sub.error());
    sub_ = std::move(sub).value();
    return common::Unit{};
  }

  const events::EventStore& store_;
  ShadowRebuild& shadow_;
  const RebuildOptions& options_;
  events::ConsumerSpec spec_;
  const std::function<void(const RebuildProgress&)>& progress_;
  std::unique_ptr<events::DurableSubscription> sub_;
  RebuildReport report_;
  std::uint64_t head_ = 0;
};

Result<std::uint64_t> stream_head(const events::EventStore& store) {
  auto st = store.state();
  if (!st) return from_events(st.error());
  return st.value().last_sequence;
}

}  // namespace

Result<RebuildReport> rebuild_projection(
    const events::EventStore& store, const std::string& pg_url, const ProjectionInfo& projection,
    const RebuildOptions& options, const std::function<void(const RebuildProgress&)>& progress) {
  auto head = stream_head(store);
  if (!head) return common::Unexpected<Error>{head.error()};
  auto shadow = ShadowRebuild::start(pg_url, projection);
  if (!shadow) return common::Unexpected<Error>{shadow.error()};
  Pump pump(store, *shadow.value(), options, projection.name, progress);
  if (auto o = pump.open(); !o) return common::Unexpected<Error>{o.error()};
  const auto t0 = Clock::now();
  auto run = [&]() -> Status {
    // Replay (aggregates deferred, then computed once), then catch up with
    // what was appended meanwhile (aggregates per batch), then swap.
    for (int round = 0; round < 2; ++round) {
      pump.set_head(head.value());
      if (auto r = pump.until(head.value()); !r) return r;
      if (round == 0) {
        if (auto r = shadow.value()->end_bulk(); !r) return r;
      }
      head = stream_head(store);
      if (!head) return common::Unexpected<Error>{head.error()};
    }
    auto swapped =
        shadow.value()->swap_in([&](std::uint64_t live) { return pump.until(live); }, options.swap);
    if (!swapped) return common::Unexpected<Error>{swapped.error()};
    pump.report().swap = swapped.value();
    return common::Unit{};
  };
  const Status done = run();
  pump.close();
  if (!done) return common::Unexpected<Error>{done.error()};
  pump.report().replay_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return pump.report();
}

}  // namespace slotwise::projections
