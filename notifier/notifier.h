// Notifier: the whole slotwise-notifier minus main(): one Planner thread
// (log -> planned outbox rows, exactly once) and `sender_threads` Sender
// threads (outbox -> SMTP / SMS), built from NotifierSettings. Used by
// main.cc and by the in-process tests.
//
// Thread safety: start()/stop() from one thread; ready() from any.
// Errors: none; the parts log and retry on their own.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "notifier/notifier_config.h"
#include "notifier/planner.h"
#include "notifier/sender.h"

namespace slotwise::notifier {

class Notifier {
 public:
  // `store`, `logger` and `metrics` must outlive the notifier. `clock`
  // overrides the senders' "now" (tests); empty means the system clock.
  Notifier(const events::EventStore& store, const NotifierSettings& settings,
           service::Logger& logger, service::MetricsRegistry& metrics, const Clock& clock = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  Notifier(Notifier&&) = delete;
  Notifier& operator=(Notifier&&) = delete;

  void start();
  void stop();
  // Planning: holds the lease, consumes, and PostgreSQL answers (planner.h).
  [[nodiscard]] bool ready() const { return planner_->leader(); }
  [[nodiscard]] const Planner& planner() const { return *planner_; }

 private:
  std::unique_ptr<Planner> planner_;
  SenderMetrics sender_metrics_;
  std::vector<std::unique_ptr<Sender>> senders_;
  std::vector<std::thread> threads_;
};

}  // namespace slotwise::notifier
