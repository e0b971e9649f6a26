// PlanWriter: turns the events of one commit into the notifier's own rows
// inside the caller's transaction (the batch transaction that also moves
// the notifier's checkpoint, so planning happens exactly once):
//
//  - mirrors what messages need from the log: users (owner email), businesses
//    (name, zone, contact, slug), services (name), bookings (times, client, status,
//    revision = number of reschedules);
//  - plans outbox rows (`notifications`, status planned) with the rendered
//    MIME message, a link's token left out of it (a placeholder, and in
//    `link_token` what derives it at sending time: link_token.h), and a
//    deterministic id (notification.h):
//      BookingConfirmed   -> confirmation (+ .ics) to the client, new-booking
//                            notice to the owner, reminders at start - offset
//                            for every configured offset still in the future
//                            at commit time;
//      BookingCancelled   -> cancellation notices (when it had been confirmed)
//                            and planned reminders cancelled;
//      BookingRescheduled -> revision + 1, planned reminders cancelled,
//                            reschedule notices (+ updated .ics) and new
//                            reminders for the new time;
//      Expired, Completed, MarkedNoShow -> planned reminders cancelled;
//      PaymentRefundFailed -> failed-refund notice to the owner, whatever the
//                            booking's status, id keyed by the refund id
//                            (never cancelled by the booking's changes).
//      PasswordResetRequested -> the reset link to the account's email
//                            (password_reset_mail.h; only with links on and
//                            while the link has not expired), id
//                            "<user_id>.password_reset.<request_id>".
//      PasswordChanged    -> a security notice to the account's email
//                            (password_changed_mail.h), id
//                            "<user_id>.password_changed.<count>", once per
//                            change (the account's mirror row keeps the
//                            last change applied, as a booking's does).
//    Replaying a commit is a no-op: rows are inserted ON CONFLICT DO
//    NOTHING, and a booking's mirror row keeps the position (sequence,
//    index in the commit) of the last event applied to it, so a booking
//    event (or a PaymentRefundFailed, whose sent notice the retention may
//    have deleted) at or below it changes nothing (a reschedule counted twice
//    would give every later notice a new id, and send it again). Times
//    come from the log (commit time, booking times), never the wall clock,
//    so planning is deterministic.
//
// Thread safety: one writer per transaction and thread.
// Errors: libpqxx exceptions propagate to the caller's guarded(); events
// whose bytes do not parse are returned as dead letters, not thrown.
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "events/append_request.h"
#include "notifier/links.h"
#include "notifier/mime.h"

namespace slotwise::notifier {

struct PlanOptions {
  // Reminder offsets before the start (at most two are used: reminder_1, reminder_2).
  std::vector<std::chrono::seconds> reminders{std::chrono::hours(24), std::chrono::hours(2)};
  Mailbox from{"SlotWise", "notifications@slotwise.localhost"};
  std::string message_id_domain = "slotwise.localhost";
  bool sms = false;   // also plan SMS reminders for clients with a phone number
  LinkOptions links;  // manage, dashboard and book-again links (links.h); off by default
};

struct PlanDeadLetter {
  std::uint64_t sequence = 0;
  int event_index = -1;
  std::string subject;
  std::string error;
  std::string raw;
};

struct PlanEffects {
  std::uint64_t planned = 0;
  std::uint64_t cancelled = 0;
  std::vector<PlanDeadLetter> dead_letters;
};

class PlanWriter {
 public:
  PlanWriter(pqxx::work& tx, const PlanOptions& options, PlanEffects& effects)
      : tx_(tx), options_(options), fx_(effects) {}

  // `trace_id` (may be empty) is stored with the rows for the sender's logs.
  void apply(const events::StoredCommit& commit, const std::string& trace_id);
  void dead_letter(PlanDeadLetter letter);

 private:
  void apply_event(const events::StoredCommit& commit, int index, const std::string& trace_id);

  pqxx::work& tx_;
  const PlanOptions& options_;
  PlanEffects& fx_;
};

}  // namespace slotwise::notifier
