#include "notifier/plan_writer.h"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <optional>

#include "domain/event_conversion.h"
#include "notifier/link_token.h"
#include "notifier/notification.h"
#include "notifier/password_changed_mail.h"
#include "notifier/password_reset_mail.h"
#include "notifier/templates.h"
#include "slotwise/events/v1/account.pb.h"
#include "slotwise/events/v1/business.pb.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/payment.pb.h"

namespace slotwise::notifier {
namespace {

namespace v1 = slotwise::events::v1;
using domain::Instant;

Instant instant_of(const google::protobuf::Timestamp& t) {
  return Instant{std::chrono::seconds{t.seconds()}};
}
std::string pg_time(Instant t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }
Instant parse_epoch(const pqxx::field& f) {
  return Instant{std::chrono::seconds{f.as<std::int64_t>()}};
}

// One commit's context while its events are applied.
struct Ctx {
  pqxx::work& tx;
  const PlanOptions& options;
  PlanEffects& fx;
  std::uint64_t sequence = 0;
  int event_index = 0;  // the event's place in its commit
  Instant committed;
  const std::string& trace_id;
};

std::optional<BusinessFacts> business_facts(Ctx& c, const std::string& business_id) {
  const pqxx::result r = c.tx.exec_params(
      "SELECT b.name, b.time_zone, coalesce(nullif(u.email, ''), b.contact_email), b.address,"
      " b.slug FROM notifier_businesses b"
      " LEFT JOIN notifier_users u ON u.user_id = b.owner_user_id WHERE b.business_id = $1",
      business_id);
  if (r.empty()) return std::nullopt;
  return BusinessFacts{business_id,
                       r[0][0].as<std::string>(),
                       r[0][1].as<std::string>(),
                       r[0][2].as<std::string>(),
                       r[0][3].as<std::string>(),
                       r[0][4].as<std::string>()};
}

std::optional<BookingFacts> booking_facts(Ctx& c, const std::string& booking_id) {
  const pqxx::result r = c.tx.exec_params(
      "SELECT coalesce(s.name, b.service_id), extract(epoch from b.start_at)::bigint,"
      " extract(epoch from b.end_at)::bigint, b.customer_name, b.customer_email,"
      " b.customer_phone, b.customer_time_zone, b.revision, b.business_id"
      " FROM notifier_bookings b LEFT JOIN notifier_services s ON s.service_id = b.service_id"
      " WHERE b.booking_id = $1",
      booking_id);
  if (r.empty()) return std::nullopt;
  BookingFacts f;
  f.booking_id = booking_id;
  f.service_name = r[0][0].as<std::string>();
  f.start = parse_epoch(r[0][1]);
  f.end = parse_epoch(r[0][2]);
  f.customer_name = r[0][3].as<std::string>();
  f.customer_email = r[0][4].as<std::string>();
  f.customer_phone = r[0][5].as<std::string>();
  f.customer_time_zone = r[0][6].as<std::string>();
  f.revision = r[0][7].as<int>();
  f.business_id = r[0][8].as<std::string>();
  return f;
}

std::string rfc5322(Instant t) { return date::format("%a, %d %b %Y %H:%M:%S +0000", t); }

void plan(Ctx& c, Kind kind, const BusinessFacts& biz, const BookingFacts& b, Instant due) {
  // A refund's notice is keyed by the refund: a booking may have several.
  const std::string id = kind == Kind::kOwnerRefundFailed && b.refund
                             ? refund_notification_id(b.booking_id, kind, b.refund->refund_id)
                             : notification_id(b.booking_id, kind, b.revision);
  // The manage token stays out of the stored message: a placeholder of its
  // length, which the sender fills in (link_token.h).
  Links links = links_for(c.options.links, b.booking_id, biz.slug);
  links.manage = without_token(links.manage);
  const Rendered r = render(kind, biz, b, c.committed, links);
  const std::string token_ref =
      !links.manage.empty() && r.text.find(links.manage) != std::string::npos
          ? manage_token_ref(b.booking_id)
          : std::string();
  Email e;
  e.from = c.options.from;
  if (!biz.name.empty()) e.from.name = biz.name + " via " + c.options.from.name;
  e.to = for_owner(kind) ? Mailbox{biz.name, biz.owner_email}
                         : Mailbox{b.customer_name, b.customer_email};
  if (e.to.address.empty()) return;  // nobody to tell (e.g. business events not in the log)
  e.subject = r.subject;
  e.message_id = message_id(id, c.options.message_id_domain);
  // When it goes out (a reminder weeks after the booking was made), not
  // when it was planned: a Date far in the past files it among old mail
  // and looks like spam. Still from the log alone, so replanning repeats it.
  e.date = rfc5322(std::max(due, c.committed));
  e.text = r.text;
  e.html = r.html;
  e.ics = r.ics;
  e.ics_method = r.ics_method;
  const pqxx::result inserted = c.tx.exec_params(
      "INSERT INTO notifications (id, business_id, booking_id, kind, channel, revision, recipient,"
      " subject, message, due_at, next_attempt_at, planned_seq, trace_id, link_token)"
      " VALUES ($1,$2,$3,$4,'email',$5,$6,$7,$8,$9::timestamptz,$9::timestamptz,$10,$11,$12)"
      " ON CONFLICT (id) DO NOTHING RETURNING id",
      id, biz.business_id, b.booking_id, std::string(to_string(kind)), b.revision, e.to.address,
      r.subject, render_mime(e), pg_time(due), c.sequence, c.trace_id, token_ref);
  c.fx.planned += inserted.size();
  if (c.options.sms && is_reminder(kind) && !b.customer_phone.empty()) {
    const pqxx::result sms = c.tx.exec_params(
        "INSERT INTO notifications (id, business_id, booking_id, kind, channel, revision,"
        " recipient, subject, message, due_at, next_attempt_at, planned_seq, trace_id)"
        " VALUES ($1,$2,$3,$4,'sms',$5,$6,$7,$8,$9::timestamptz,$9::timestamptz,$10,$11)"
        " ON CONFLICT (id) DO NOTHING RETURNING id",
        id + ".sms", biz.business_id, b.booking_id, std::string(to_string(kind)), b.revision,
        b.customer_phone, r.subject, render_sms(biz, b), pg_time(due), c.sequence, c.trace_id);
    c.fx.planned += sms.size();
  }
}

void plan_reminders(Ctx& c, const BusinessFacts& biz, const BookingFacts& b) {
  const std::array<Kind, 2> kinds{Kind::kReminderFirst, Kind::kReminderSecond};
  for (std::size_t i = 0; i < c.options.reminders.size() && i < 2; ++i) {
    const Instant due = b.start - c.options.reminders[i];
    if (due > c.committed) plan(c, kinds[i], biz, b, due);
  }
}

void cancel_reminders(Ctx& c, const std::string& booking_id) {
  const pqxx::result r = c.tx.exec_params(
      "UPDATE notifications SET status = 'cancelled', last_error = 'booking changed'"
      " WHERE booking_id = $1 AND status = 'planned' AND kind IN ('reminder_1', 'reminder_2')"
      " RETURNING id",
      booking_id);
  c.fx.cancelled += r.size();
}

// Notices about the booking's earlier state that are still waiting (SMTP
// down, retrying, or planned in the same catch-up): sent after this
// change's own notice, "confirmed" would arrive after "cancelled", or an
// old time after the new one. A cancellation supersedes every confirmation
// and reschedule notice; a reschedule those of earlier reschedules
// (revisions before `revision`; the confirmation still tells of the
// booking, and its calendar entry is replaced by the higher SEQUENCE).
void cancel_superseded(Ctx& c, const std::string& booking_id, std::optional<int> revision) {
  const pqxx::result r = c.tx.exec_params(
      "UPDATE notifications SET status = 'cancelled', last_error = 'superseded'"
      " WHERE booking_id = $1 AND status = 'planned' AND CASE WHEN $2::int IS NULL"
      " THEN kind IN ('confirmation', 'owner_new_booking', 'reschedule', 'owner_reschedule')"
      " ELSE kind IN ('reschedule', 'owner_reschedule') AND revision < $2 END RETURNING id",
      booking_id, revision);
  c.fx.cancelled += r.size();
}

// Whether the booking's mirror row has not seen this event yet; records it
// as the last one applied. False for an event at or below the last applied
// (the log planned again from an earlier checkpoint): applied twice, a
// reschedule would raise the revision again, so its notices and reminders
// would get new ids and go out again, and a replayed confirmation would
// set a cancelled booking back to confirmed and notify about it; a
// replayed refund failure whose sent notice the retention deleted would be
// sent again. Also false for a booking the notifier never saw created
// (nothing to do).
bool first_application(Ctx& c, const std::string& booking_id) {
  const pqxx::result r = c.tx.exec_params(
      "UPDATE notifier_bookings SET applied_sequence = $2::bigint, applied_event = $3::int"
      " WHERE booking_id = $1 AND (applied_sequence, applied_event) < ($2::bigint, $3::int)",
      booking_id, c.sequence, c.event_index);
  return r.affected_rows() == 1;
}

// The booking's status before this event; "" when unknown.
std::string set_status(Ctx& c, const std::string& booking_id, const char* status) {
  const pqxx::result r = c.tx.exec_params(
      "UPDATE notifier_bookings n SET status = $2 FROM notifier_bookings o"
      " WHERE n.booking_id = $1 AND o.booking_id = n.booking_id RETURNING o.status",
      booking_id, std::string(status));
  return r.empty() ? std::string() : r[0][0].as<std::string>();
}

void on(Ctx& c, const v1::UserRegistered& e) {
  c.tx.exec_params(
      "INSERT INTO notifier_users (user_id, email, name) VALUES ($1,$2,$3)"
      " ON CONFLICT DO NOTHING",
      e.user_id(), e.email(), e.name());
}

// A replay fills the slug of a business mirrored before notifier_0003 (a
// slug never changes, so nothing else is overwritten).
void on(Ctx& c, const v1::BusinessCreated& e) {
  c.tx.exec_params(
      "INSERT INTO notifier_businesses (business_id, owner_user_id, name, time_zone,"
      " contact_email, address, slug) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (business_id)"
      " DO UPDATE SET slug = EXCLUDED.slug WHERE notifier_businesses.slug = ''",
      e.business_id(), e.owner_user_id(), e.profile().name(), e.time_zone(),
      e.profile().contact_email(), e.profile().address(), e.slug());
}

void on(Ctx& c, const v1::BusinessProfileUpdated& e) {
  c.tx.exec_params(
      "UPDATE notifier_businesses SET name = $2, contact_email = $3, address = $4,"
      " time_zone = coalesce(nullif($5, ''), time_zone) WHERE business_id = $1",
      e.business_id(), e.profile().name(), e.profile().contact_email(), e.profile().address(),
      e.time_zone());
}

template <class ServiceEvent>
void on_service(Ctx& c, const ServiceEvent& e) {
  c.tx.exec_params(
      "INSERT INTO notifier_services (service_id, business_id, name) VALUES ($1,$2,$3)"
      " ON CONFLICT (service_id) DO UPDATE SET name = EXCLUDED.name",
      e.service_id(), e.business_id(), e.definition().name());
}

void on(Ctx& c, const v1::BookingTentativelyCreated& e) {
  c.tx.exec_params(
      "INSERT INTO notifier_bookings (booking_id, business_id, service_id, start_at, end_at,"
      " customer_name, customer_email, customer_phone, customer_time_zone, status,"
      " applied_sequence, applied_event)"
      " VALUES ($1,$2,$3,$4::timestamptz,$5::timestamptz,$6,$7,$8,$9,'tentative',$10,$11)"
      " ON CONFLICT DO NOTHING",
      e.booking_id(), e.business_id(), e.service_id(), pg_time(instant_of(e.start())),
      pg_time(instant_of(e.end())), e.customer().name(), e.customer().email(), e.customer().phone(),
      e.customer_time_zone(), c.sequence, c.event_index);
}

void on(Ctx& c, const v1::BookingConfirmed& e) {
  if (!first_application(c, e.booking_id())) return;
  const std::string before = set_status(c, e.booking_id(), "confirmed");
  if (before == "confirmed" || before.empty()) return;
  const auto biz = business_facts(c, e.business_id());
  const auto b = booking_facts(c, e.booking_id());
  if (!biz || !b) return;
  plan(c, Kind::kConfirmation, *biz, *b, c.committed);
  plan(c, Kind::kOwnerNewBooking, *biz, *b, c.committed);
  plan_reminders(c, *biz, *b);
}

void on(Ctx& c, const v1::BookingCancelled& e) {
  if (!first_application(c, e.booking_id())) return;
  const std::string before = set_status(c, e.booking_id(), "cancelled");
  cancel_reminders(c, e.booking_id());
  cancel_superseded(c, e.booking_id(), std::nullopt);
  if (before != "confirmed") return;
  const auto biz = business_facts(c, e.business_id());
  auto b = booking_facts(c, e.booking_id());
  if (!biz || !b) return;
  b->reason = e.reason();
  plan(c, Kind::kCancellation, *biz, *b, c.committed);
  plan(c, Kind::kOwnerCancellation, *biz, *b, c.committed);
}

void on(Ctx& c, const v1::BookingRescheduled& e) {
  // Once per event: revision counts reschedules, and every notice's id
  // carries it (a second count would send them all again).
  if (!first_application(c, e.booking_id())) return;
  const pqxx::result r = c.tx.exec_params(
      "UPDATE notifier_bookings SET start_at = $2::timestamptz, end_at = $3::timestamptz,"
      " revision = revision + 1 WHERE booking_id = $1 RETURNING status",
      e.booking_id(), pg_time(instant_of(e.start())), pg_time(instant_of(e.end())));
  cancel_reminders(c, e.booking_id());
  if (r.empty() || r[0][0].as<std::string>() != "confirmed") return;
  const auto biz = business_facts(c, e.business_id());
  auto b = booking_facts(c, e.booking_id());
  if (!biz || !b) return;
  if (e.has_previous_start()) b->previous_start = instant_of(e.previous_start());
  cancel_superseded(c, e.booking_id(), b->revision);
  plan(c, Kind::kReschedule, *biz, *b, c.committed);
  plan(c, Kind::kOwnerReschedule, *biz, *b, c.committed);
  plan_reminders(c, *biz, *b);
}

// Stripe reported a refund of the booking failed (or canceled): the money
// is back in the business's Stripe balance and only the owner can return it
// (ADR 0008), so the owner is told once per refund, whatever the booking's
// status (a cancelled booking's refund is the usual case). Nothing cancels
// this notice later: it is about money, not the booking's time.
void on(Ctx& c, const v1::PaymentRefundFailed& e) {
  auto b = booking_facts(c, e.booking_id());
  // Not a booking of the log's calendars, or the event names another
  // business than the booking's: nothing trustworthy to tell.
  if (!b || e.refund_id().empty()) return;
  if (!e.business_id().empty() && e.business_id() != b->business_id) return;
  const auto biz = business_facts(c, b->business_id);
  if (!biz) return;
  // Its id alone does not stop a replay: the retention deletes the sent
  // notice after 90 days, and the replayed failure would go out again.
  if (!first_application(c, e.booking_id())) return;
  b->refund =
      RefundFacts{e.refund_id(), e.amount().amount_minor(), e.amount().currency(), e.reason(),
                  e.status(),    e.failure_reason()};
  plan(c, Kind::kOwnerRefundFailed, *biz, *b, c.committed);
}

// An owner asked for a password reset link (ADR 0007): the email carries
// the link whose token is derived from this event, so it goes to the
// account's email as the notifier mirrored it. Not planned without
// public_base_url (no link to give), for an account the notifier never saw,
// or for a request whose link has expired by now: the one look at the
// wall clock in planning, so that a replay of the log (the outbox's
// retention deleted the sent row) mails no dead links.
void on(Ctx& c, const v1::PasswordResetRequested& e) {
  const Instant expires = instant_of(e.expires_at());
  if (expires <=
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())) {
    return;
  }
  const std::string link =
      password_reset_link(c.options.links, e.user_id(), e.request_id(), expires);
  if (link.empty()) return;
  const pqxx::result user =
      c.tx.exec_params("SELECT email, name FROM notifier_users WHERE user_id = $1", e.user_id());
  if (user.empty()) return;
  const std::string id = e.user_id() + ".password_reset." + e.request_id();
  // The token stays out of the stored message (link_token.h).
  const Rendered r =
      render_password_reset(user[0][1].as<std::string>(), without_token(link), expires);
  Email mail;
  mail.from = c.options.from;
  mail.to = Mailbox{user[0][1].as<std::string>(), user[0][0].as<std::string>()};
  mail.subject = r.subject;
  mail.message_id = message_id(id, c.options.message_id_domain);
  mail.date = rfc5322(c.committed);
  mail.text = r.text;
  mail.html = r.html;
  // No business or booking: the owners' notification lists never show it.
  const pqxx::result inserted = c.tx.exec_params(
      "INSERT INTO notifications (id, business_id, booking_id, kind, channel, revision, recipient,"
      " subject, message, due_at, next_attempt_at, planned_seq, trace_id, link_token)"
      " VALUES ($1,'','','password_reset','email',0,$2,$3,$4,$5::timestamptz,$5::timestamptz,$6,$7,"
      "$8) ON CONFLICT (id) DO NOTHING RETURNING id",
      id, mail.to.address, r.subject, render_mime(mail), pg_time(c.committed), c.sequence,
      c.trace_id, password_reset_token_ref(e.user_id(), e.request_id(), expires));
  c.fx.planned += inserted.size();
}

// The owner's password was changed (password_changed_mail.h): a security
// notice to the account's email, once per change.
void on(Ctx& c, const v1::PasswordChanged& e) {
  c.fx.planned += plan_password_changed(
      c.tx, c.options, e, EventPlace{c.sequence, c.event_index, c.committed, c.trace_id});
}

void on_ended(Ctx& c, const std::string& booking_id, const char* status) {
  if (!first_application(c, booking_id)) return;
  (void)set_status(c, booking_id, status);
  cancel_reminders(c, booking_id);
}

// Decodes `any` as T into `out`; false when the bytes do not parse.
template <class T>
bool decode(const google::protobuf::Any& any, T& out) {
  return out.ParseFromString(any.value());
}

}  // namespace

void PlanWriter::dead_letter(PlanDeadLetter letter) {
  tx_.exec_params(
      "INSERT INTO notifier_dead_letters (sequence, event_index, subject, error, raw)"
      " VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
      letter.sequence, letter.event_index, letter.subject, letter.error,
      pqxx::binarystring(letter.raw));
  fx_.dead_letters.push_back(std::move(letter));
}

void PlanWriter::apply(const events::StoredCommit& commit, const std::string& trace_id) {
  for (int i = 0; i < commit.commit.events_size(); ++i) apply_event(commit, i, trace_id);
}

void PlanWriter::apply_event(const events::StoredCommit& commit, int index,
                             const std::string& trace_id) {
  const google::protobuf::Any& any = commit.commit.events(index).payload();
  const std::string type(domain::type_name_of(any));
  Ctx c{tx_,     options_, fx_, commit.sequence, index, instant_of(commit.commit.committed_at()),
        trace_id};
  bool ok = true;
  auto handle = [&]<class T>(T msg, auto&& apply_fn) {
    if (type != T::descriptor()->full_name()) return false;
    if (!decode(any, msg)) {
      ok = false;
    } else {
      apply_fn(msg);
    }
    return true;
  };
  const bool known = handle(v1::UserRegistered{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::BusinessCreated{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::BusinessProfileUpdated{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::ServiceDefined{}, [&](const auto& e) { on_service(c, e); }) ||
                     handle(v1::ServiceUpdated{}, [&](const auto& e) { on_service(c, e); }) ||
                     handle(v1::BookingTentativelyCreated{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::BookingConfirmed{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::BookingCancelled{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::BookingRescheduled{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::BookingExpired{},
                            [&](const auto& e) { on_ended(c, e.booking_id(), "expired"); }) ||
                     handle(v1::BookingCompleted{},
                            [&](const auto& e) { on_ended(c, e.booking_id(), "completed"); }) ||
                     handle(v1::BookingMarkedNoShow{},
                            [&](const auto& e) { on_ended(c, e.booking_id(), "no_show"); }) ||
                     handle(v1::PaymentRefundFailed{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::PasswordResetRequested{}, [&](const auto& e) { on(c, e); }) ||
                     handle(v1::PasswordChanged{}, [&](const auto& e) { on(c, e); });
  (void)known;  // other types (other payment events, slots, schedules, unknown) need none
  if (!ok) {
    dead_letter(PlanDeadLetter{commit.sequence, index, commit.subject, "cannot decode " + type,
                               any.SerializeAsString()});
  }
}

}  // namespace slotwise::notifier
