#include "notifier/sender.h"

#include <date/date.h>

#include <algorithm>

#include "notifier/link_token.h"

namespace slotwise::notifier {
namespace {

std::string pg_time(std::chrono::system_clock::time_point t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::floor<std::chrono::milliseconds>(t));
}

// Why a claimed row must not be sent; nullptr to send it. A reminder is
// only worth sending for the booking as it stands, and before it starts (a
// long outage, or email configured late, leaves reminders due for
// appointments that are over). Columns 6-8 of the claim: is a reminder,
// booking confirmed at the reminder's revision, start still ahead.
const char* why_stale(const pqxx::row& claimed) {
  if (!claimed[6].as<bool>()) return nullptr;
  if (!claimed[7].as<bool>(false)) return "booking changed";
  if (!claimed[8].as<bool>(false)) return "the appointment has started";
  return nullptr;
}

// The message to send: the stored one, with its link's token derived and
// put back when it has one (link_token.h); why it cannot be when not.
// Columns 3 and 9 of the claim: the message, its token ref.
common::Result<std::string, std::string> message_to_send(const pqxx::row& claimed,
                                                         const std::string& link_key) {
  auto message = claimed[3].as<std::string>();
  const auto ref = claimed[9].as<std::string>();
  if (ref.empty()) return message;
  auto token = derive_link_token(link_key, ref);
  if (!token) return common::fail(token.error());
  return with_link_token(message, token.value());
}

}  // namespace

SenderMetrics::SenderMetrics(service::MetricsRegistry& metrics)
    : sent(metrics.counter_family("slotwise_notifier_sent_total", "Notifications delivered",
                                  {"channel"})),
      retried(metrics.counter_family("slotwise_notifier_retries_total",
                                     "Transient delivery failures (retried later)", {"channel"})),
      failed(metrics.counter_family("slotwise_notifier_failed_total",
                                    "Notifications given up (permanent failure or attempts used)",
                                    {"channel"})),
      errors(metrics.counter("slotwise_notifier_sender_errors_total",
                             "Sender database errors (then retried)")) {}

Sender::Sender(SenderOptions options, std::unique_ptr<SmtpClient> smtp,
               std::unique_ptr<SmsProvider> sms, service::Logger& logger, SenderMetrics& metrics)
    : options_(std::move(options)),
      smtp_(std::move(smtp)),
      sms_(std::move(sms)),
      logger_(logger),
      metrics_(metrics) {}

std::chrono::system_clock::time_point Sender::now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

void Sender::stop() { stop_.request(); }

void Sender::pause(std::chrono::milliseconds d) { stop_.wait_for(d); }

void Sender::run() {
  while (!stop_.requested()) {
    std::unique_ptr<pqxx::connection> conn;
    auto connected = projections::guarded("connect", [&]() -> common::Unit {
      conn = std::make_unique<pqxx::connection>(options_.pg_url);
      // This connection only claims the oldest due row and updates rows by
      // key. Without statistics (a young table) PostgreSQL would claim with
      // a bitmap scan and a sort over every due row -- O(due rows) per
      // email; walking the partial index in order stops at the first one.
      pqxx::nontransaction tx(*conn);
      tx.exec0("SET enable_bitmapscan = off");
      tx.exec0("SET enable_sort = off");
      return common::Unit{};
    });
    if (!connected) {
      metrics_.errors.inc();
      logger_.warn("sender: postgres unavailable", {{"error", connected.error().message}});
      pause(std::chrono::milliseconds(500));
      continue;
    }
    while (!stop_.requested()) {
      // Nothing is claimed before planning has caught up (sender.h).
      auto handled = planning_caught_up(*conn);
      if (handled && handled.value()) handled = send_one(*conn);
      if (!handled) {
        metrics_.errors.inc();
        logger_.warn("sender: claim failed", {{"error", handled.error().message}});
        pause(std::chrono::milliseconds(500));
        break;  // reconnect
      }
      if (!handled.value()) pause(options_.poll);
    }
  }
}

projections::Result<bool> Sender::planning_caught_up(pqxx::connection& conn) {
  if (caught_up_ || !options_.log_end) return true;
  if (!wait_for_position_) {
    wait_for_position_ = options_.log_end();
    if (!wait_for_position_) return false;  // the log is unreachable: ask again
  }
  return projections::guarded("planning position", [&]() -> bool {
    pqxx::read_transaction tx(conn);
    const pqxx::result r = tx.exec_params(
        "SELECT position FROM notifier_checkpoints WHERE consumer = $1", options_.planner_consumer);
    const std::uint64_t position = r.empty() ? 0 : r[0][0].as<std::uint64_t>();
    if (position >= *wait_for_position_) {
      caught_up_ = true;
      logger_.info("sender: planning has caught up; sending",
                   {{"position", position}, {"log_end", *wait_for_position_}});
    }
    return caught_up_;
  });
}

projections::Result<bool> Sender::send_one(pqxx::connection& conn) {
  return projections::guarded("send notification", [&]() -> bool {
    const auto t = now();
    pqxx::work tx(conn);
    std::string channels = "'sms'";
    if (smtp_) channels += ",'email'";
    // With the booking as the planner last saw it, for reminders.
    const pqxx::result r = tx.exec_params(
        "SELECT n.id, n.channel, n.recipient, n.message, n.attempts, n.trace_id,"
        " n.kind IN ('reminder_1', 'reminder_2'), b.status IS NOT DISTINCT FROM 'confirmed'"
        " AND b.revision = n.revision, b.start_at > $1::timestamptz, n.link_token"
        " FROM notifications n LEFT JOIN notifier_bookings b ON b.booking_id = n.booking_id"
        " WHERE n.status = 'planned' AND n.next_attempt_at <= $1::timestamptz AND n.channel IN (" +
            channels + ") ORDER BY n.next_attempt_at LIMIT 1 FOR UPDATE OF n SKIP LOCKED",
        pg_time(t));
    if (r.empty()) return false;
    const auto id = r[0][0].as<std::string>();
    const auto channel = r[0][1].as<std::string>();
    const auto recipient = r[0][2].as<std::string>();
    const int attempts = r[0][4].as<int>() + 1;
    const auto trace_id = r[0][5].as<std::string>();
    if (const char* stale = why_stale(r[0])) {
      tx.exec_params("UPDATE notifications SET status = 'cancelled', last_error = $2 WHERE id = $1",
                     id, std::string(stale));
      tx.commit();
      logger_.info("reminder not sent",
                   {{"trace_id", trace_id}, {"notification_id", id}, {"reason", stale}});
      return true;
    }
    DeliveryResult sent = common::fail(DeliveryError{true, 0, "sms is not configured"});
    // A token that cannot be put back fails the message: never a broken link.
    auto message = message_to_send(r[0], options_.link_key);
    if (!message) {
      sent = common::fail(DeliveryError{true, 0, message.error()});
    } else if (channel == "email") {
      sent = smtp_->send(options_.envelope_from, recipient, message.value());
    } else if (sms_) {
      sent = sms_->send(recipient, message.value());
    }
    if (sent) {
      tx.exec_params(
          "UPDATE notifications SET status = 'sent', sent_at = $2::timestamptz, attempts = $3,"
          " last_error = '' WHERE id = $1",
          id, pg_time(t), attempts);
      tx.commit();
      metrics_.sent.with({channel}).inc();
      logger_.info("notification sent", {{"trace_id", trace_id},
                                         {"notification_id", id},
                                         {"channel", channel},
                                         {"attempts", attempts}});
      return true;
    }
    const DeliveryError& e = sent.error();
    const std::string error = (e.code != 0 ? std::to_string(e.code) + " " : "") + e.message;
    // The provider being down (no reply at all, or SMTP's "service not
    // available") says nothing about this message: it waits, however long.
    const bool outage = e.code == 0 || e.code == 421;
    if (e.permanent || (attempts >= options_.max_attempts && !outage)) {
      tx.exec_params(
          "UPDATE notifications SET status = 'failed', attempts = $2, last_error = $3"
          " WHERE id = $1",
          id, attempts, error);
      tx.commit();
      metrics_.failed.with({channel}).inc();
      logger_.warn("notification failed", {{"trace_id", trace_id},
                                           {"notification_id", id},
                                           {"error", error},
                                           {"permanent", e.permanent},
                                           {"attempts", attempts}});
      return true;
    }
    const int doublings = std::min(attempts - 1, 20);
    const std::chrono::milliseconds backoff = std::min(
        options_.max_backoff,
        std::chrono::milliseconds(options_.base_backoff.count() * (std::int64_t{1} << doublings)));
    tx.exec_params(
        "UPDATE notifications SET attempts = $2, last_error = $3,"
        " next_attempt_at = $4::timestamptz WHERE id = $1",
        id, attempts, error, pg_time(t + backoff));
    tx.commit();
    metrics_.retried.with({channel}).inc();
    logger_.warn("notification delivery failed, will retry",
                 {{"trace_id", trace_id},
                  {"notification_id", id},
                  {"error", error},
                  {"attempts", attempts},
                  {"retry_in_ms", static_cast<std::int64_t>(backoff.count())}});
    return false;  // wait a poll interval before the next claim (the server may be down)
  });
}

}  // namespace slotwise::notifier
