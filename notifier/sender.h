// Sender: the notifier's delivering half. Claims due outbox rows one at a
// time (SELECT ... WHERE status = 'planned' AND next_attempt_at <= now
// FOR UPDATE SKIP LOCKED), hands the stored message to SMTP (or the SMS
// provider), with its link's token derived and put back when it has one
// (link_token.h: no token is ever stored), and records the outcome in the
// same transaction that holds the row lock:
//   sent      -> status 'sent', sent_at, attempts + 1
//   transient -> attempts + 1, next_attempt_at = now + min(max_backoff,
//                base_backoff * 2^(attempts)), last_error; 'failed' once
//                attempts reach max_attempts, except while the provider is
//                down (no reply at all, or SMTP 421): an outage of any
//                length loses nothing
//   stale     -> a reminder whose booking is no longer confirmed at that
//                revision, or whose appointment has started: 'cancelled'
//                with the reason in last_error, never sent
//   permanent -> status 'failed' (5xx; or a link token that cannot be
//                derived, e.g. no manage_key_file: never a broken link),
//                last_error (visible to the owner through the query API)
// A sender claims nothing until planning has reached the end the log had
// when the sender started (the planner's checkpoint, whichever instance
// holds its lease): after a restart, a reminder planned before a
// cancellation the planner has not read yet must not go out.
// Several senders (threads or processes) never send the same row at once
// (the row lock); a crash after the server accepted a message but before the
// commit resends that one message on restart with the same Message-ID
// (at-least-once delivery, at most one duplicate per crash, see ADR 0009).
//
// Thread safety: run() on one thread per Sender; stop() from any thread.
// Errors: none escape run(); database failures are logged and retried.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "notifier/sms.h"
#include "notifier/smtp_client.h"
#include "projections/pg.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/stop_flag.h"

namespace slotwise::notifier {

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct SenderOptions {
  std::string pg_url;
  std::string envelope_from = "notifications@slotwise.localhost";
  std::chrono::milliseconds poll{200};  // idle wait between empty claims
  std::chrono::milliseconds base_backoff{30000};
  std::chrono::milliseconds max_backoff{3600000};
  int max_attempts = 12;
  Clock clock;  // "now" for due times and backoff; system clock when empty
  // The planner's checkpoint row (notifier_checkpoints.consumer) and the
  // log's last sequence (nullopt when unknown: asked again). Without
  // log_end the sender does not wait for planning.
  std::string planner_consumer;
  std::function<std::optional<std::uint64_t>()> log_end;
  // Derives the tokens of links at sending time (link_token.h): the
  // manage_key_file's bytes, "" when links are off.
  std::string link_key;
};

struct SenderMetrics {
  explicit SenderMetrics(service::MetricsRegistry& metrics);
  service::CounterFamily& sent;
  service::CounterFamily& retried;
  service::CounterFamily& failed;
  service::Counter& errors;
};

class Sender {
 public:
  // `smtp` may be null (email off: email rows stay planned); `sms` may be
  // null (SMS off). All references must outlive the sender.
  Sender(SenderOptions options, std::unique_ptr<SmtpClient> smtp, std::unique_ptr<SmsProvider> sms,
         service::Logger& logger, SenderMetrics& metrics);

  void run();
  void stop();
  // Claims and handles at most one due row; true when the caller may claim
  // again at once (a row was sent or given up), false when it should wait.
  [[nodiscard]] projections::Result<bool> send_one(pqxx::connection& conn);

 private:
  [[nodiscard]] std::chrono::system_clock::time_point now() const;
  void pause(std::chrono::milliseconds d);
  // Whether planning has reached the log's end as of this sender's start.
  [[nodiscard]] projections::Result<bool> planning_caught_up(pqxx::connection& conn);

  SenderOptions options_;
  std::unique_ptr<SmtpClient> smtp_;
  std::unique_ptr<SmsProvider> sms_;
  service::Logger& logger_;
  SenderMetrics& metrics_;
  service::StopFlag stop_;
  std::optional<std::uint64_t> wait_for_position_;  // the log's end at start
  bool caught_up_ = false;
};

}  // namespace slotwise::notifier
