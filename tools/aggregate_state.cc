#include "tools/aggregate_state.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "domain/account.h"
#include "domain/business.h"
#include "domain/calendar.h"
#include "domain/email_claim.h"
#include "domain/event_conversion.h"
#include "domain/proto_values.h"
#include "domain/slug_claim.h"
#include "service/rfc3339.h"
#include "tools/commit_json.h"

namespace slotwise::tools {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

template <class State, class Event>
common::Result<State, std::string> rebuild(const std::vector<events::StoredCommit>& commits) {
  State state;
  for (const auto& c : commits) {
    for (const auto& rec : c.commit.events()) {
      auto event = domain::from_any<Event>(rec.payload());
      if (!event) {
        return common::fail("event " + event.error().type + " at sequence " +
                            std::to_string(c.sequence) + " does not parse");
      }
      if (event.value()) state = evolve(std::move(state), *event.value());
    }
  }
  return state;
}

void str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

void time(Writer& w, const char* key, domain::Instant t) {
  str(w, key, t == domain::Instant{} ? "" : service::format_rfc3339(t));
}

void proto(Writer& w, const char* key, const google::protobuf::Message& m) {
  w.Key(key);
  auto json = to_json(m);
  const std::string text = json ? json.value() : "null";
  w.RawValue(text.c_str(), text.size(), rapidjson::kObjectType);
}

void money(Writer& w, const char* key, const domain::Money& m) {
  w.Key(key);
  w.StartObject();
  w.Key("amount_minor");
  w.Int64(m.amount_minor);
  str(w, "currency", m.currency);
  w.EndObject();
}

std::string actor_text(const domain::Actor& a) { return describe_actor(domain::to_proto(a)); }

void write(Writer& w, const domain::AccountState& s) {
  str(w, "user_id", s.user_id);
  str(w, "email", s.email);
  str(w, "name", s.name);
  str(w, "password_hash", s.password_hash.empty() ? "" : "(set)");
  time(w, "registered_at", s.registered_at);
  time(w, "password_changed_at", s.password_changed_at);
  w.Key("session_generation");
  w.Int64(s.session_generation);
  str(w, "reset_request_id", s.reset_request_id);
  time(w, "reset_expires_at", s.reset_expires_at);
}

void write(Writer& w, const domain::EmailClaimState& s) {
  str(w, "email", s.email);
  str(w, "user_id", s.user_id);
  w.Key("claimed");
  w.Bool(s.claimed());
}

void write(Writer& w, const domain::SlugClaimState& s) {
  str(w, "slug", s.slug);
  str(w, "business_id", s.business_id);
  w.Key("claimed");
  w.Bool(s.claimed());
}

void write(Writer& w, const domain::BusinessState& s) {
  str(w, "business_id", s.business_id);
  str(w, "owner_user_id", s.owner_user_id);
  str(w, "slug", s.slug);
  proto(w, "profile", domain::to_proto(s.profile));
  str(w, "time_zone", s.time_zone);
  str(w, "currency", s.currency);
  proto(w, "policy", domain::to_proto(s.policy));
  time(w, "created_at", s.created_at);
  w.Key("services");
  w.StartObject();
  for (const auto& [id, svc] : s.services) {
    w.Key(id.c_str());
    w.StartObject();
    w.Key("active");
    w.Bool(svc.active);
    proto(w, "definition", domain::to_proto(svc.definition));
    w.EndObject();
  }
  w.EndObject();
}

void write(Writer& w, const domain::Booking& b) {
  str(w, "booking_id", b.booking_id);
  str(w, "service_id", b.service_id);
  str(w, "status", std::string(domain::to_string(b.status)));
  time(w, "start", b.start);
  time(w, "end", b.end);
  w.Key("buffer_before_minutes");
  w.Int(b.buffer_before_minutes);
  w.Key("buffer_after_minutes");
  w.Int(b.buffer_after_minutes);
  str(w, "time_zone", b.time_zone);
  str(w, "customer_name", b.customer.name);
  str(w, "customer_email", b.customer.email);
  money(w, "price", b.price);
  money(w, "amount_due", b.amount_due);
  time(w, "hold_expires_at", b.hold_expires_at.value_or(domain::Instant{}));
  str(w, "created_by", actor_text(b.created_by));
  str(w, "idempotency_key", b.idempotency_key);
  // The terms its cancellation refund follows, as GET /v1/bookings/{id}
  // shows them; null for a booking logged before BookingTentativelyCreated
  // carried them (the business's current policy applies to it).
  w.Key("cancellation_terms");
  if (b.cancellation_terms) {
    w.StartObject();
    w.Key("free_cancellation_cutoff_minutes");
    w.Int(b.cancellation_terms->free_cancellation_cutoff_minutes);
    w.Key("late_cancellation_refund_percent");
    w.Int(b.cancellation_terms->late_cancellation_refund_percent);
    w.EndObject();
  } else {
    w.Null();
  }
  // The shortest notice the customer gave when moving it, in seconds: a
  // move inside the cutoff makes the customer's later cancellation late
  // (cancellation_refund.h); null when the customer never moved it (or
  // only in events logged before moves carried their time).
  w.Key("least_customer_move_notice_seconds");
  if (b.least_customer_move_notice) {
    w.Int64(b.least_customer_move_notice->count());
  } else {
    w.Null();
  }
}

void write(Writer& w, const domain::CalendarState& s) {
  str(w, "business_id", s.business_id);
  str(w, "time_zone", s.time_zone);
  w.Key("weekly_schedule");
  w.StartArray();
  for (const auto& day : domain::to_proto(s.schedule)) {
    auto json = to_json(day);
    const std::string text = json ? json.value() : "null";
    w.RawValue(text.c_str(), text.size(), rapidjson::kObjectType);
  }
  w.EndArray();
  w.Key("date_overrides");
  w.StartObject();
  for (const auto& [date, o] : s.overrides) {
    w.Key(domain::format_local_date(date).c_str());
    w.StartObject();
    w.Key("closed");
    w.Bool(o.closed);
    w.Key("intervals");
    w.StartArray();
    for (const auto& i : o.intervals) {
      w.StartObject();
      w.Key("start_minute");
      w.Int(i.start_minute);
      w.Key("end_minute");
      w.Int(i.end_minute);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
  w.Key("bookings");
  w.StartObject();
  for (const auto& [id, b] : s.bookings) {
    w.Key(id.c_str());
    w.StartObject();
    write(w, b);
    w.EndObject();
  }
  w.EndObject();
  w.Key("idempotency_keys");
  w.Uint64(s.idempotency_keys.size());
}

template <class State, class Event>
common::Result<std::optional<std::string>, std::string> render(
    const std::vector<events::StoredCommit>& commits) {
  auto state = rebuild<State, Event>(commits);
  if (!state) return common::fail(state.error());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  write(w, state.value());
  w.EndObject();
  return std::optional<std::string>(buf.GetString());
}

}  // namespace

common::Result<std::optional<std::string>, std::string> rebuild_state_json(
    const std::string& category, const std::vector<events::StoredCommit>& commits) {
  if (category == "account") return render<domain::AccountState, domain::AccountEvent>(commits);
  if (category == "email") {
    return render<domain::EmailClaimState, domain::EmailClaimEvent>(commits);
  }
  if (category == "business") {
    return render<domain::BusinessState, domain::BusinessEvent>(commits);
  }
  if (category == "slug") return render<domain::SlugClaimState, domain::SlugClaimEvent>(commits);
  if (category == "calendar") {
    return render<domain::CalendarState, domain::CalendarEvent>(commits);
  }
  return std::optional<std::string>{};
}

}  // namespace slotwise::tools
