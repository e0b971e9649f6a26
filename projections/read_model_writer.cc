#include "projections/read_model_writer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <variant>

#include "domain/business.h"
#include "domain/calendar.h"
#include "domain/event_conversion.h"
#include "domain/proto_values.h"
#include "domain/time_zone.h"
#include "service/rfc3339.h"

namespace slotwise::projections {
namespace {

namespace v1 = slotwise::events::v1;
using domain::Instant;

constexpr std::size_t kHistoryRowsPerInsert = 500;

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

// Local date of t in zone `tz` ("UTC" when the zone is unknown).
std::string local_date_of(Instant t, const std::string& tz) {
  auto zone = domain::TimeZone::locate(tz);
  if (!zone) zone = domain::TimeZone::locate("UTC");
  if (!zone) {
    return domain::format_local_date(
        date::local_days{date::floor<date::days>(t).time_since_epoch()});
  }
  return domain::format_local_date(zone.value().reading(t).date);
}

std::string to_json(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out, o).ok()) return "{}";
  return out;
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
};

struct CalendarApplier {
  StatementBatch& tx;
  BatchEffects& fx;
  const events::StoredCommit& commit;
  int index;

  [[nodiscard]] const std::string& business_id() const { return commit.commit.aggregate_id(); }
  [[nodiscard]] std::uint64_t seq() const { return commit.sequence; }
  [[nodiscard]] std::string committed_at() const { return ts(commit.commit.committed_at()); }

  void touch(const std::string& local_date, const std::string& email_normalized) const {
    fx.stat_days.emplace(business_id(), local_date);
    if (!email_normalized.empty()) fx.customer_keys.emplace(business_id(), email_normalized);
  }

  void history(const std::string& booking_id, const google::protobuf::Message& event,
               const v1::Actor* actor) const {
    const v1::Actor& who = (actor != nullptr && actor->kind() != v1::ACTOR_KIND_UNSPECIFIED)
                               ? *actor
                               : commit.commit.actor();
    fx.history.push_back(HistoryRow{booking_id, seq(), index, business_id(),
                                    event.GetDescriptor()->name(), committed_at(),
                                    actor_kind_name(who.kind()), who.id(), to_json(event)});
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
    const Instant start = domain::to_instant(e.start());
    const std::string local_date = local_date_of(start, e.time_zone());
    const std::string email = normalize_email(e.customer().email());
    const std::string hold = e.has_hold_expires_at() ? ts(e.hold_expires_at()) : std::string();
    tx.exec_prepared(
        "booking_created", e.booking_id(), business_id(), e.service_id(), ts(start), ts(e.end()),
        local_date, e.buffer_before_minutes(), e.buffer_after_minutes(), e.time_zone(),
        e.customer().name(), e.customer().email(), email, e.customer().phone(),
        e.customer_time_zone(), e.notes(), e.price().amount_minor(), e.amount_due().amount_minor(),
        e.price().currency().empty() ? e.amount_due().currency() : e.price().currency(),
        e.manage_token_sha256(), nullable(e.has_hold_expires_at(), hold), committed_at(), seq());
    // A second create of a known booking changes no row (evolve() keeps the
    // first); the history row is filtered at flush like every other.
    touch(local_date, email);
    v1::BookingTentativelyCreated shown = e;
    shown.clear_manage_token_sha256();
    shown.clear_idempotency_key();
    shown.clear_request_sha256();
    history(e.booking_id(), shown, &e.created_by());
  }
  void status(const std::string& booking_id, const char* status,
              const google::protobuf::Message& event, const v1::Actor* actor) const {
    tx.exec_prepared("booking_status", booking_id, business_id(), status, committed_at(), seq());
    // Its stats day and customer are looked up at flush; the history row is
    // kept only if the booking exists then.
    fx.touched_bookings.emplace(business_id(), booking_id);
    history(booking_id, event, actor);
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
    tx.send();  // the lookup must see every earlier statement
    const pqxx::result before =
        tx.tx().exec_prepared("booking_lookup", e.booking_id(), business_id());
    if (before.empty()) return;
    const std::string tz = before[0][0].c_str();
    touch(before[0][1].c_str(), before[0][2].c_str());
    const Instant start = domain::to_instant(e.start());
    const std::string local_date = local_date_of(start, tz);
    tx.exec_prepared("booking_moved", e.booking_id(), business_id(), ts(start), ts(e.end()),
                     local_date, committed_at(), seq());
    touch(local_date, before[0][2].c_str());
    history(e.booking_id(), e, &e.rescheduled_by());
  }
};

bool is_known_type(std::string_view type) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
             std::string(type)) != nullptr &&
         type.starts_with("slotwise.events.v1.");
}

// "(VALUES ('a','b'::date), ...) AS k(business_id, key)" over keys [first, last).
template <class It>
std::string keys_table(pqxx::work& tx, It first, It last, const char* cast) {
  std::string sql = "(VALUES ";
  for (It it = first; it != last; ++it) {
    if (it != first) sql += ',';
    sql += '(' + tx.quote(it->first) + ',' + tx.quote(it->second) + cast + ')';
  }
  return sql + ") AS k(business_id, key)";
}

constexpr std::size_t kKeysPerStatement = 1000;

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
      {"booking_created",
       "INSERT INTO bookings (booking_id, business_id, service_id, status, start_at, end_at,"
       " local_date, buffer_before_minutes, buffer_after_minutes, time_zone, customer_name,"
       " customer_email, customer_email_normalized, customer_phone, customer_time_zone, notes,"
       " price_minor, amount_due_minor, currency, manage_token_sha256, hold_expires_at,"
       " created_at, updated_at, version) VALUES ($1,$2,$3,'tentative',$4::timestamptz,"
       "$5::timestamptz,$6::date,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,"
       "$20::timestamptz,$21::timestamptz,$21::timestamptz,$22)"
       " ON CONFLICT (booking_id) DO NOTHING RETURNING 1"},
      {"booking_status",
       "UPDATE bookings SET status=$3, updated_at=$4::timestamptz, version=$5"
       " WHERE booking_id=$1 AND business_id=$2"
       " RETURNING local_date::text, customer_email_normalized"},
      {"booking_lookup",
       "SELECT time_zone, local_date::text, customer_email_normalized FROM bookings"
       " WHERE booking_id=$1 AND business_id=$2"},
      {"booking_moved",
       "UPDATE bookings SET start_at=$3::timestamptz, end_at=$4::timestamptz,"
       " local_date=$5::date, updated_at=$6::timestamptz, version=$7"
       " WHERE booking_id=$1 AND business_id=$2"},
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
  for (const auto& [name, sql] : statements()) conn.prepare(name, sql);
}

void ReadModelWriter::apply(const events::StoredCommit& commit) {
  const std::uint64_t applied = fx_.events_applied;
  for (int i = 0; i < commit.commit.events_size(); ++i) apply_event(commit, i);
  // Business and calendar aggregates are keyed by the business id.
  if (fx_.events_applied != applied) fx_.changed_businesses.insert(commit.commit.aggregate_id());
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
  }
  if (is_known_type(type)) {
    ++fx_.events_ignored;
    return;
  }
  ++fx_.unknown_events;
  UnknownType& u = fx_.unknown_types[std::string(type)];
  ++u.count;
  u.last_sequence = commit.sequence;
}

namespace {

// Daily stats from bookings, for the keys `join` selects ("" = every key).
std::string stats_insert(const std::string& join) {
  return "INSERT INTO daily_stats (business_id, local_date, tentative, confirmed, cancelled,"
         " expired, completed, no_show, total, revenue_minor, currency)"
         " SELECT b.business_id, b.local_date,"
         " count(*) FILTER (WHERE status='tentative'), count(*) FILTER (WHERE status='confirmed'),"
         " count(*) FILTER (WHERE status='cancelled'), count(*) FILTER (WHERE status='expired'),"
         " count(*) FILTER (WHERE status='completed'), count(*) FILTER (WHERE status='no_show'),"
         " count(*), coalesce(sum(price_minor) FILTER (WHERE status IN ('confirmed','completed')),"
         " 0), min(currency) FROM bookings b" +
         join + " GROUP BY b.business_id, b.local_date";
}

// Customers from bookings, for the keys `join` selects ("" = every key).
std::string customers_upsert(const std::string& join) {
  return "INSERT INTO customers (business_id, email_normalized, name, email, phone,"
         " bookings_count, last_booking_at) SELECT b.business_id, b.customer_email_normalized,"
         " (array_agg(customer_name ORDER BY created_at DESC, booking_id DESC))[1],"
         " (array_agg(customer_email ORDER BY created_at DESC, booking_id DESC))[1],"
         " (array_agg(customer_phone ORDER BY created_at DESC, booking_id DESC))[1],"
         " count(*), max(start_at) FROM bookings b" +
         join +
         " WHERE b.customer_email_normalized <> ''"
         " GROUP BY b.business_id, b.customer_email_normalized"
         " ON CONFLICT (business_id, email_normalized) DO UPDATE SET name=EXCLUDED.name,"
         " email=EXCLUDED.email, phone=EXCLUDED.phone, bookings_count=EXCLUDED.bookings_count,"
         " last_booking_at=EXCLUDED.last_booking_at";
}

}  // namespace

// The batch's daily_stats and customers keys, added to aggregate_backlog.
void ReadModelWriter::record_backlog() {
  const auto record = [&](const std::set<std::pair<std::string, std::string>>& set,
                          const char* kind) {
    const std::vector<std::pair<std::string, std::string>> keys(set.begin(), set.end());
    for (std::size_t at = 0; at < keys.size(); at += kKeysPerStatement) {
      const auto first = keys.begin() + static_cast<std::ptrdiff_t>(at);
      const auto last =
          keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + kKeysPerStatement));
      tx_.exec0("INSERT INTO aggregate_backlog (business_id, kind, key) SELECT k.business_id, " +
                tx_.quote(kind) + ", k.key FROM " + keys_table(tx_, first, last, "") +
                " ON CONFLICT DO NOTHING");
    }
  };
  record(fx_.stat_days, "day");
  record(fx_.customer_keys, "customer");
}

// Every key of the backlog recomputed from bookings in set-based statements.
bool ReadModelWriter::work_off_backlog(pqxx::work& tx) {
  if (tx.exec("SELECT 1 FROM aggregate_backlog LIMIT 1").empty()) return false;
  const std::string days =
      "(SELECT business_id, key::date AS key FROM aggregate_backlog WHERE kind = 'day') k";
  tx.exec0("DELETE FROM daily_stats d USING " + days +
           " WHERE d.business_id = k.business_id AND d.local_date = k.key");
  tx.exec0(
      stats_insert(" JOIN " + days + " ON b.business_id = k.business_id AND b.local_date = k.key"));
  tx.exec0(customers_upsert(
      " JOIN (SELECT business_id, key FROM aggregate_backlog WHERE kind = 'customer') k"
      " ON b.business_id = k.business_id AND b.customer_email_normalized = k.key"));
  tx.exec0("DELETE FROM aggregate_backlog");
  return true;
}

void ReadModelWriter::recompute_all_aggregates(pqxx::work& tx) {
  tx.exec0("DELETE FROM aggregate_backlog");
  tx.exec0("DELETE FROM daily_stats");
  tx.exec0("DELETE FROM customers");
  tx.exec0(stats_insert(""));
  tx.exec0(customers_upsert(""));
}

ReadModelWriter::ReadModelWriter(pqxx::work& tx, std::string projection, BatchEffects& effects,
                                 AggregateUpkeep upkeep)
    : tx_(tx),
      batch_(tx, statements()),
      projection_(std::move(projection)),
      fx_(effects),
      upkeep_(upkeep) {}

// The stats day and customer of every booking whose status changed.
void ReadModelWriter::touched_keys() {
  const std::vector<std::pair<std::string, std::string>> keys(fx_.touched_bookings.begin(),
                                                              fx_.touched_bookings.end());
  for (std::size_t at = 0; at < keys.size(); at += kKeysPerStatement) {
    const auto first = keys.begin() + static_cast<std::ptrdiff_t>(at);
    const auto last =
        keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + kKeysPerStatement));
    const pqxx::result r = tx_.exec(
        "SELECT b.business_id, b.local_date::text, b.customer_email_normalized FROM bookings b"
        " JOIN " +
        keys_table(tx_, first, last, "") +
        " ON b.business_id = k.business_id AND b.booking_id = k.key");
    for (const auto& row : r) {
      fx_.stat_days.emplace(row[0].as<std::string>(), row[1].as<std::string>());
      auto email = row[2].as<std::string>();
      if (!email.empty()) fx_.customer_keys.emplace(row[0].as<std::string>(), std::move(email));
    }
  }
}

// History rows, many per statement; only for bookings that exist (an event
// about an unknown booking changes nothing, as in evolve()).
void ReadModelWriter::insert_history() {
  for (std::size_t at = 0; at < fx_.history.size(); at += kHistoryRowsPerInsert) {
    const std::size_t end = std::min(fx_.history.size(), at + kHistoryRowsPerInsert);
    std::string sql =
        "INSERT INTO booking_history (booking_id, seq, event_index, business_id, event_type,"
        " occurred_at, actor_kind, actor_id, detail) SELECT v.* FROM (VALUES ";
    for (std::size_t i = at; i < end; ++i) {
      const HistoryRow& h = fx_.history[i];
      if (i > at) sql += ',';
      sql += '(' + tx_.quote(h.booking_id) + ',' + std::to_string(h.seq) + "::bigint," +
             std::to_string(h.event_index) + ',' + tx_.quote(h.business_id) + ',' +
             tx_.quote(h.event_type) + ',' + tx_.quote(h.occurred_at) + "::timestamptz," +
             tx_.quote(h.actor_kind) + ',' + tx_.quote(h.actor_id) + ',' +
             tx_.quote(h.detail_json) + "::jsonb)";
    }
    sql +=
        ") AS v(booking_id, seq, event_index, business_id, event_type, occurred_at, actor_kind,"
        " actor_id, detail) WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.booking_id ="
        " v.booking_id AND b.business_id = v.business_id) ON CONFLICT DO NOTHING";
    tx_.exec0(sql);
  }
}

void ReadModelWriter::flush() {
  batch_.send();
  if (upkeep_ != AggregateUpkeep::kDeferred) touched_keys();
  insert_history();
  if (upkeep_ != AggregateUpkeep::kDeferred) record_backlog();
  if (upkeep_ == AggregateUpkeep::kNow) (void)work_off_backlog(tx_);
  for (const auto& [type, u] : fx_.unknown_types) {
    tx_.exec_prepared("unknown_type", projection_, type, u.count, u.last_sequence);
  }
  for (const DeadLetter& d : fx_.dead_letters) {
    const pqxx::binarystring raw(d.raw.data(), d.raw.size());
    tx_.exec_prepared("dead_letter", projection_, d.sequence, d.event_index, d.subject, d.error,
                      raw);
  }
}

}  // namespace slotwise::projections
