#include "projections/read_model_writer.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <variant>

#include "domain/account.h"
#include "domain/business.h"
#include "domain/calendar.h"
#include "domain/event_conversion.h"
#include "domain/payment.h"
#include "domain/proto_values.h"
#include "domain/time_zone.h"
#include "events/event_json.h"
#include "projections/booking_writer.h"
#include "projections/history_fields.h"
#include "service/rfc3339.h"

namespace slotwise::projections {
namespace {

namespace v1 = slotwise::events::v1;
using domain::Instant;

std::string ts(Instant t) { return service::format_rfc3339(t); }
std::string ts(const google::protobuf::Timestamp& t) { return ts(domain::to_instant(t)); }

// [[s,e],...] of one day.
std::string intervals_json(const domain::DayIntervals& day) {
  std::string out = "[";
  for (std::size_t i = 0; i < day.size(); ++i) {
    if (i > 0) out += ',';
    out +=
        '[' + std::to_string(day[i].start_minute) + ',' + std::to_string(day[i].end_minute) + ']';
  }
  return out + ']';
}

std::string schedule_json(const domain::WeeklySchedule& schedule) {
  std::string out = "[";
  for (std::size_t d = 0; d < schedule.days.size(); ++d) {
    if (d > 0) out += ',';
    out += intervals_json(schedule.days[d]);
  }
  return out + ']';
}

const char* payment_mode_name(domain::PaymentMode m) {
  switch (m) {
    case domain::PaymentMode::deposit:
      return "deposit";
    case domain::PaymentMode::full:
      return "full";
    case domain::PaymentMode::none:
      break;
  }
  return "none";
}

const char* actor_kind_name(v1::ActorKind k) {
  switch (k) {
    case v1::ACTOR_KIND_OWNER:
      return "owner";
    case v1::ACTOR_KIND_CUSTOMER:
      return "customer";
    case v1::ACTOR_KIND_SYSTEM:
      return "system";
    case v1::ACTOR_KIND_PAYMENT_PROVIDER:
      return "payment_provider";
    case v1::ACTOR_KIND_ADMIN:
      return "admin";
    default:
      return "unspecified";
  }
}

std::string to_json(const google::protobuf::Message& m) {
  auto json = events::event_json(m, events::JsonNames::kProto);
  return json ? std::move(json).value() : "{}";
}

// Parameter that is SQL NULL when `present` is false.
const char* nullable(bool present, const std::string& s) { return present ? s.c_str() : nullptr; }

struct BusinessApplier {
  StatementBatch& tx;
  const std::string& business_id;
  std::uint64_t seq;

  void operator()(const v1::BusinessCreated& e) const {
    const domain::BusinessPolicy p = domain::from_proto(e.policy());
    tx.exec_prepared("business_created", business_id, e.slug(), e.owner_user_id(),
                     e.profile().name(), e.profile().description(), e.profile().contact_email(),
                     e.profile().contact_phone(), e.profile().address(), e.time_zone(),
                     e.currency(), p.booking.slot_interval_minutes, p.booking.min_notice_minutes,
                     p.booking.horizon_days, p.booking.max_bookings_per_day, p.hold_minutes,
                     p.free_cancellation_cutoff_minutes, p.late_cancellation_refund_percent,
                     ts(e.created_at()), seq);
  }
  void operator()(const v1::BusinessProfileUpdated& e) const {
    tx.exec_prepared("business_profile", business_id, e.profile().name(), e.profile().description(),
                     e.profile().contact_email(), e.profile().contact_phone(),
                     e.profile().address(), e.time_zone(), seq);
  }
  void operator()(const v1::BookingPolicyChanged& e) const {
    const domain::BusinessPolicy p = domain::from_proto(e.policy());
    tx.exec_prepared("business_policy", business_id, p.booking.slot_interval_minutes,
                     p.booking.min_notice_minutes, p.booking.horizon_days,
                     p.booking.max_bookings_per_day, p.hold_minutes,
                     p.free_cancellation_cutoff_minutes, p.late_cancellation_refund_percent, seq);
  }
  void service(const char* stmt, const std::string& service_id,
               const v1::ServiceDefinition& proto) const {
    const domain::ServiceDefinition d = domain::from_proto(proto);
    const std::string deposit = d.deposit ? std::to_string(d.deposit->amount_minor) : std::string();
    tx.exec_prepared(stmt, business_id, service_id, d.name, d.description,
                     d.timing.duration_minutes, d.timing.buffer_before_minutes,
                     d.timing.buffer_after_minutes, d.price.amount_minor, d.price.currency,
                     payment_mode_name(d.payment_mode), nullable(d.deposit.has_value(), deposit),
                     seq);
  }
  void operator()(const v1::ServiceDefined& e) const {
    service("service_defined", e.service_id(), e.definition());
  }
  void operator()(const v1::ServiceUpdated& e) const {
    service("service_updated", e.service_id(), e.definition());
  }
  void operator()(const v1::ServiceRetired& e) const {
    tx.exec_prepared("service_retired", business_id, e.service_id(), seq);
  }
  void operator()(const v1::ServiceRestored& e) const {
    tx.exec_prepared("service_restored", business_id, e.service_id(), seq);
  }
  void operator()(const v1::CalendarFeedReset& e) const {
    tx.exec_prepared("business_feed_reset", business_id, e.generation(), seq);
  }
};

struct CalendarApplier {
  StatementBatch& tx;
  BatchEffects& fx;
  const events::StoredCommit& commit;
  int index;

  [[nodiscard]] const std::string& business_id() const { return commit.commit.aggregate_id(); }
  [[nodiscard]] std::uint64_t seq() const { return commit.sequence; }
  [[nodiscard]] std::string committed_at() const { return ts(commit.commit.committed_at()); }

  // Its history row (kept at flush only if the event found its booking).
  std::size_t history(const std::string& booking_id, const google::protobuf::Message& event,
                      const v1::Actor* actor) const {
    const v1::Actor& who = (actor != nullptr && actor->kind() != v1::ACTOR_KIND_UNSPECIFIED)
                               ? *actor
                               : commit.commit.actor();
    fx.history.push_back(HistoryRow{booking_id, seq(), index, business_id(),
                                    event.GetDescriptor()->name(), committed_at(),
                                    actor_kind_name(who.kind()), who.id(), to_json(event)});
    return fx.history.size() - 1;
  }

  BookingOp op(BookingOp::Kind kind, const std::string& booking_id,
               const google::protobuf::Message& event, const v1::Actor* actor) const {
    BookingOp o;
    o.kind = kind;
    o.booking_id = booking_id;
    o.business_id = business_id();
    o.seq = seq();
    o.at = committed_at();
    o.history = history(booking_id, event, actor);
    return o;
  }

  void operator()(const v1::WeeklyScheduleSet& e) const {
    tx.exec_prepared("calendar_schedule", business_id(), e.time_zone(),
                     schedule_json(domain::from_proto(e.days())), seq());
  }
  void operator()(const v1::DateOverrideSet& e) const {
    const auto date = domain::parse_local_date(e.local_date());
    if (!date) return;
    tx.exec_prepared("calendar_zone", business_id(), e.time_zone(), seq());
    tx.exec_prepared("override_set", business_id(), domain::format_local_date(*date), e.closed(),
                     intervals_json(domain::from_proto(e.intervals())), seq());
  }
  void operator()(const v1::DateOverrideCleared& e) const {
    const auto date = domain::parse_local_date(e.local_date());
    if (!date) return;
    tx.exec_prepared("override_cleared", business_id(), domain::format_local_date(*date));
  }
  void operator()(const v1::BookingTentativelyCreated& e) const {
    v1::BookingTentativelyCreated shown = e;
    drop_never_in_history(shown);
    BookingOp o = op(BookingOp::Kind::kCreate, e.booking_id(), shown, &e.created_by());
    const Instant start = domain::to_instant(e.start());
    BookingRow& r = o.row;
    r.booking_id = e.booking_id();
    r.business_id = business_id();
    r.service_id = e.service_id();
    r.status = "tentative";
    r.start_at = ts(start);
    r.end_at = ts(e.end());
    r.local_date = local_date_in(start, e.time_zone());
    r.buffer_before_minutes = e.buffer_before_minutes();
    r.buffer_after_minutes = e.buffer_after_minutes();
    r.time_zone = e.time_zone();
    r.customer_name = e.customer().name();
    r.customer_email = e.customer().email();
    r.customer_email_normalized = normalize_email(e.customer().email());
    r.customer_phone = e.customer().phone();
    r.customer_time_zone = e.customer_time_zone();
    r.notes = e.notes();
    r.price_minor = e.price().amount_minor();
    r.amount_due_minor = e.amount_due().amount_minor();
    r.currency = e.price().currency().empty() ? e.amount_due().currency() : e.price().currency();
    r.manage_token_sha256 = e.manage_token_sha256();
    if (e.has_hold_expires_at()) r.hold_expires_at = ts(e.hold_expires_at());
    if (e.has_cancellation_terms()) {
      r.free_cancellation_cutoff_minutes =
          e.cancellation_terms().free_cancellation_cutoff_minutes();
      r.late_cancellation_refund_percent =
          e.cancellation_terms().late_cancellation_refund_percent();
    }
    r.created_at = o.at;
    r.updated_at = o.at;
    r.version = seq();
    fx.booking_ops.push_back(std::move(o));
  }
  void status(const std::string& booking_id, const char* status,
              const google::protobuf::Message& event, const v1::Actor* actor) const {
    BookingOp o = op(BookingOp::Kind::kStatus, booking_id, event, actor);
    o.status = status;
    fx.booking_ops.push_back(std::move(o));
  }
  void operator()(const v1::BookingConfirmed& e) const {
    status(e.booking_id(), "confirmed", e, &e.confirmed_by());
  }
  void operator()(const v1::BookingCancelled& e) const {
    status(e.booking_id(), "cancelled", e, &e.cancelled_by());
  }
  void operator()(const v1::BookingExpired& e) const {
    status(e.booking_id(), "expired", e, nullptr);
  }
  void operator()(const v1::BookingCompleted& e) const {
    status(e.booking_id(), "completed", e, &e.completed_by());
  }
  void operator()(const v1::BookingMarkedNoShow& e) const {
    status(e.booking_id(), "no_show", e, &e.marked_by());
  }
  void operator()(const v1::BookingRescheduled& e) const {
    BookingOp o = op(BookingOp::Kind::kMove, e.booking_id(), e, &e.rescheduled_by());
    o.start = domain::to_instant(e.start());
    o.start_at = ts(o.start);
    o.end_at = ts(e.end());
    fx.booking_ops.push_back(std::move(o));
  }
};

// The payment events a booking's history shows: its refunds, and the
// refunds Stripe reported failed (money the owner has to return by other
// means, docs/adr/0008-payments.md). They change no booking row. Returns
// whether the event was one of them.
struct PaymentApplier {
  BatchEffects& fx;
  const events::StoredCommit& commit;
  int index;

  void note(const std::string& booking_id, const std::string& business_id,
            const google::protobuf::Message& event) const {
    const v1::Actor& who = commit.commit.actor();
    const std::string at = ts(commit.commit.committed_at());
    fx.history.push_back(HistoryRow{booking_id, commit.sequence, index, business_id,
                                    event.GetDescriptor()->name(), at, actor_kind_name(who.kind()),
                                    who.id(), to_json(event)});
    BookingOp o;
    o.kind = BookingOp::Kind::kNote;
    o.booking_id = booking_id;
    o.business_id = business_id;
    o.seq = commit.sequence;
    o.at = at;
    o.history = fx.history.size() - 1;
    fx.booking_ops.push_back(std::move(o));
  }
  bool operator()(const v1::PaymentRefunded& e) const {
    note(e.booking_id(), e.business_id(), e);
    return true;
  }
  bool operator()(const v1::PaymentRefundFailed& e) const {
    note(e.booking_id(), e.business_id(), e);
    return true;
  }
  template <class Other>
  bool operator()(const Other& /*unused*/) const {
    return false;
  }
};

bool is_known_type(std::string_view type) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
             std::string(type)) != nullptr &&
         type.starts_with("slotwise.events.v1.");
}

}  // namespace

std::string normalize_email(std::string_view email) {
  std::size_t b = 0;
  std::size_t e = email.size();
  while (b < e && std::isspace(static_cast<unsigned char>(email[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(email[e - 1])) != 0) --e;
  std::string out(email.substr(b, e - b));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

namespace {

const Statements& statements() {
  static const Statements kStatements = {
      {"business_created",
       "INSERT INTO businesses (business_id, slug, owner_user_id, name, description,"
       " contact_email, contact_phone, address, time_zone, currency,"
       " slot_interval_minutes, min_notice_minutes, horizon_days, max_bookings_per_day,"
       " hold_minutes, free_cancellation_cutoff_minutes, late_cancellation_refund_percent,"
       " created_at, version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,"
       "$16,$17,$18::timestamptz,$19) ON CONFLICT (business_id) DO NOTHING"},
      {"business_profile",
       "UPDATE businesses SET name=$2, description=$3, contact_email=$4,"
       " contact_phone=$5, address=$6, time_zone=$7, version=$8 WHERE business_id=$1"},
      {"business_policy",
       "UPDATE businesses SET slot_interval_minutes=$2, min_notice_minutes=$3,"
       " horizon_days=$4, max_bookings_per_day=$5, hold_minutes=$6,"
       " free_cancellation_cutoff_minutes=$7, late_cancellation_refund_percent=$8,"
       " version=$9 WHERE business_id=$1"},
      // GREATEST: as the aggregate's evolve, a generation never goes back.
      {"business_feed_reset",
       "UPDATE businesses SET feed_generation=GREATEST(feed_generation, $2), version=$3"
       " WHERE business_id=$1"},
      {"service_defined",
       "INSERT INTO services (business_id, service_id, name, description,"
       " duration_minutes, buffer_before_minutes, buffer_after_minutes, price_minor,"
       " currency, payment_mode, deposit_minor, active, version)"
       " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11::bigint,true,$12)"
       " ON CONFLICT (business_id, service_id) DO NOTHING"},
      {"service_updated",
       "UPDATE services SET name=$3, description=$4, duration_minutes=$5,"
       " buffer_before_minutes=$6, buffer_after_minutes=$7, price_minor=$8, currency=$9,"
       " payment_mode=$10, deposit_minor=$11::bigint, version=$12"
       " WHERE business_id=$1 AND service_id=$2"},
      {"service_retired",
       "UPDATE services SET active=false, version=$3 WHERE business_id=$1 AND "
       "service_id=$2"},
      {"service_restored",
       "UPDATE services SET active=true, version=$3 WHERE business_id=$1 AND "
       "service_id=$2"},
      {"calendar_schedule",
       "INSERT INTO calendars (business_id, time_zone, schedule, version)"
       " VALUES ($1,$2,$3::jsonb,$4) ON CONFLICT (business_id) DO UPDATE SET"
       " time_zone = CASE WHEN $2 = '' THEN calendars.time_zone ELSE $2 END,"
       " schedule = EXCLUDED.schedule, version = EXCLUDED.version"},
      {"calendar_zone",
       "INSERT INTO calendars (business_id, time_zone, schedule, version)"
       " VALUES ($1,$2,'[[],[],[],[],[],[],[]]'::jsonb,$3) ON CONFLICT (business_id)"
       " DO UPDATE SET time_zone = CASE WHEN $2 = '' THEN calendars.time_zone ELSE $2 END,"
       " version = EXCLUDED.version"},
      {"override_set",
       "INSERT INTO date_overrides (business_id, local_date, closed, intervals, version)"
       " VALUES ($1,$2::date,$3,$4::jsonb,$5) ON CONFLICT (business_id, local_date)"
       " DO UPDATE SET closed=EXCLUDED.closed, intervals=EXCLUDED.intervals,"
       " version=EXCLUDED.version"},
      {"override_cleared",
       "DELETE FROM date_overrides WHERE business_id=$1 AND local_date=$2::date"},
      {"account_registered",
       "INSERT INTO accounts (user_id, session_generation, version) VALUES ($1, 0, $2)"
       " ON CONFLICT (user_id) DO NOTHING"},
      // $2 password changes in the commit at $4, counted once: a commit the
      // row has already taken (version) changes nothing.
      {"account_password_changed",
       "INSERT INTO accounts (user_id, session_generation, password_changed_at, version)"
       " VALUES ($1, $2, $3::timestamptz, $4) ON CONFLICT (user_id) DO UPDATE SET"
       " session_generation = accounts.session_generation + EXCLUDED.session_generation,"
       " password_changed_at = EXCLUDED.password_changed_at, version = EXCLUDED.version"
       " WHERE accounts.version < EXCLUDED.version"},
      {"unknown_type",
       "INSERT INTO unknown_event_types (projection, event_type, count, last_sequence)"
       " VALUES ($1,$2,$3,$4) ON CONFLICT (projection, event_type) DO UPDATE SET"
       " count = unknown_event_types.count + EXCLUDED.count,"
       " last_sequence = EXCLUDED.last_sequence"},
      {"dead_letter",
       "INSERT INTO dead_letters (projection, sequence, event_index, subject, error, raw)"
       " VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING"},
  };
  return kStatements;
}

}  // namespace

void ReadModelWriter::prepare(pqxx::connection& conn) {
  booking_writer::prepare(conn);
  for (const auto& [name, sql] : statements()) conn.prepare(name, sql);
}

void ReadModelWriter::apply(const events::StoredCommit& commit) {
  count(commit.sequence);
  if (commit.commit.category() == "account") {
    apply_account(commit);
    return;
  }
  const std::uint64_t applied = fx_.events_applied;
  for (int i = 0; i < commit.commit.events_size(); ++i) apply_event(commit, i);
  // Business and calendar aggregates are keyed by the business id; a
  // payment (keyed by its booking) changes no business's availability.
  if (fx_.events_applied != applied && commit.commit.category() != "payment") {
    fx_.changed_businesses.insert(commit.commit.aggregate_id());
  }
}

void ReadModelWriter::apply_account(const events::StoredCommit& commit) {
  const std::string& user_id = commit.commit.aggregate_id();
  std::int64_t changes = 0;
  std::string changed_at;
  for (int i = 0; i < commit.commit.events_size(); ++i) {
    const google::protobuf::Any& any = commit.commit.events(i).payload();
    auto decoded = domain::from_any<domain::AccountEvent>(any);
    if (!decoded) {
      fx_.dead_letters.push_back(DeadLetter{
          commit.sequence, i, commit.subject,
          "cannot decode " + std::string(domain::type_name_of(any)), any.SerializeAsString()});
      continue;
    }
    if (!decoded.value()) {
      count_unused(commit, any);
      continue;
    }
    if (std::holds_alternative<v1::UserRegistered>(*decoded.value())) {
      batch_.exec_prepared("account_registered", user_id, commit.sequence);
    } else if (const auto* changed = std::get_if<v1::PasswordChanged>(&*decoded.value())) {
      ++changes;
      changed_at = ts(changed->changed_at());
    } else {
      ++fx_.events_ignored;  // a reset request changes no session
      continue;
    }
    ++fx_.events_applied;
  }
  // One statement per commit: the account aggregate appends one
  // PasswordChanged per commit, but the count must hold for any commit.
  if (changes > 0) {
    batch_.exec_prepared("account_password_changed", user_id, changes, changed_at, commit.sequence);
    fx_.changed_accounts.insert(user_id);
  }
}

void ReadModelWriter::count_unused(const events::StoredCommit& commit,
                                   const google::protobuf::Any& any) {
  const std::string_view type = domain::type_name_of(any);
  if (is_known_type(type)) {
    ++fx_.events_ignored;
    return;
  }
  ++fx_.unknown_events;
  UnknownType& u = fx_.unknown_types[std::string(type)];
  ++u.count;
  u.last_sequence = commit.sequence;
}

void ReadModelWriter::apply_event(const events::StoredCommit& commit, int index) {
  const google::protobuf::Any& any = commit.commit.events(index).payload();
  const std::string_view type = domain::type_name_of(any);
  auto bad = [&](const std::string& why) {
    fx_.dead_letters.push_back(
        DeadLetter{commit.sequence, index, commit.subject, why, any.SerializeAsString()});
  };
  if (commit.commit.category() == "business") {
    auto decoded = domain::from_any<domain::BusinessEvent>(any);
    if (!decoded) return bad("cannot decode " + std::string(type));
    if (decoded.value()) {
      std::visit(BusinessApplier{batch_, commit.commit.aggregate_id(), commit.sequence},
                 *decoded.value());
      ++fx_.events_applied;
      return;
    }
  } else if (commit.commit.category() == "calendar") {
    auto decoded = domain::from_any<domain::CalendarEvent>(any);
    if (!decoded) return bad("cannot decode " + std::string(type));
    if (decoded.value()) {
      std::visit(CalendarApplier{batch_, fx_, commit, index}, *decoded.value());
      ++fx_.events_applied;
      return;
    }
  } else if (commit.commit.category() == "payment") {
    auto decoded = domain::from_any<domain::PaymentEvent>(any);
    if (!decoded) return bad("cannot decode " + std::string(type));
    if (decoded.value() && std::visit(PaymentApplier{fx_, commit, index}, *decoded.value())) {
      ++fx_.events_applied;
      return;
    }
  }
  count_unused(commit, any);
}

ReadModelWriter::ReadModelWriter(BatchEffects& effects)
    : batch_(effects.statements, statements()), fx_(effects) {}

void ReadModelWriter::count(std::uint64_t sequence) {
  if (fx_.commits == 0) fx_.first_sequence = sequence;
  fx_.last_sequence = sequence;
  ++fx_.commits;
}

void ReadModelWriter::dead_letter(DeadLetter letter) {
  count(letter.sequence);
  fx_.dead_letters.push_back(std::move(letter));
}

void ReadModelWriter::flush(pqxx::work& tx, const std::string& projection, BatchEffects& effects) {
  send_statements(tx, effects.statements);
  if (!effects.booking_ops.empty()) {
    FoldedBookings folded =
        fold_bookings(effects.booking_ops, booking_writer::lookup(tx, effects.booking_ops),
                      effects.history.size());
    booking_writer::write(tx, folded, effects.history);
    effects.aggregates.days.merge(folded.stat_days);
    effects.aggregates.customers.merge(folded.customer_keys);
    effects.aggregates.moved_customers.merge(folded.moved_customer_keys);
    for (const BookingRow& r : folded.inserts) {
      effects.aggregates.new_bookings.push_back(r.booking_id);
    }
  }
  for (const auto& [type, u] : effects.unknown_types) {
    tx.exec_prepared("unknown_type", projection, type, u.count, u.last_sequence);
  }
  for (const DeadLetter& d : effects.dead_letters) {
    const pqxx::binarystring raw(d.raw.data(), d.raw.size());
    tx.exec_prepared("dead_letter", projection, d.sequence, d.event_index, d.subject, d.error, raw);
  }
}

}  // namespace slotwise::projections
