#include "command-side/log_follower.h"

#include <chrono>
#include <memory>
#include <utility>

#include "events/subscription.h"

namespace slotwise::command {
namespace {

// How long one wait for a commit lasts: stop() returns within it.
constexpr auto kPoll = std::chrono::milliseconds(200);

}  // namespace

LogFollower::LogFollower(events::EventStore& store, service::Logger& logger, std::string name,
                         std::string filter_subject, OnCommit on_commit)
    : store_(store),
      logger_(logger),
      name_(std::move(name)),
      filter_(std::move(filter_subject)),
      on_commit_(std::move(on_commit)) {}

LogFollower::~LogFollower() { stop(); }

void LogFollower::start(std::uint64_t from_sequence) {
  thread_ = std::thread([this, from_sequence] { run(from_sequence); });
}

void LogFollower::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void LogFollower::run(std::uint64_t from_sequence) {
  std::unique_ptr<events::TailSubscription> tail;
  while (!stopping_.load()) {
    if (!tail) {
      events::TailStart start;
      start.kind = events::TailStart::Kind::kFromSequence;
      start.sequence = from_sequence;
      auto opened = events::TailSubscription::open(store_, filter_, start);
      if (!opened) {
        logger_.warn(name_ + ": cannot follow the log", {{"error", opened.error().message}});
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      tail = std::move(*opened);
    }
    auto next = tail->next(kPoll);
    if (!next) {
      logger_.warn(name_ + ": tail failed", {{"error", next.error().message}});
      tail.reset();
      continue;
    }
    if (!next.value()) continue;
    const events::Delivery& d = *next.value();
    from_sequence = d.sequence + 1;
    if (!d.commit) {
      logger_.warn(name_ + ": skipping a commit",
                   {{"sequence", d.sequence}, {"error", d.commit.error().message}});
      continue;
    }
    on_commit_(d.subject, *d.commit);
  }
}

}  // namespace slotwise::command
