#include "query-api/views.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/proto_values.h"
#include "query-api/history_detail.h"
#include "service/json_write.h"
#include "service/rfc3339.h"

namespace slotwise::query {
namespace {

using Writer = service::JsonWriter;
using service::json_member;
using service::json_string;

void money(Writer& w, const char* name, std::int64_t minor, const std::string& currency) {
  json_string(w, name);
  w.StartObject();
  json_member(w, "amount_minor", minor);
  json_member(w, "currency", currency);
  w.EndObject();
}

// `zone` is the booking's own (zone_or_utc(b.time_zone)).
void booking_fields(Writer& w, const BookingRow& b, const domain::TimeZone& zone) {
  json_member(w, "id", b.booking_id);
  json_member(w, "business_id", b.business_id);
  json_member(w, "service_id", b.service_id);
  json_member(w, "service_name", b.service_name);
  json_member(w, "status", b.status);
  json_member(w, "start", format_in(zone, b.start));
  json_member(w, "end", format_in(zone, b.end));
  json_member(w, "local_date", b.local_date);
  json_member(w, "time_zone", b.time_zone);
  json_member(w, "buffer_before_minutes", b.buffer_before_minutes);
  json_member(w, "buffer_after_minutes", b.buffer_after_minutes);
  json_string(w, "customer");
  w.StartObject();
  json_member(w, "name", b.customer_name);
  json_member(w, "email", b.customer_email);
  json_member(w, "phone", b.customer_phone);
  w.EndObject();
  json_member(w, "notes", b.notes);
  money(w, "price", b.price_minor, b.currency);
  money(w, "amount_due", b.amount_due_minor, b.currency);
  json_string(w, "hold_expires_at");
  if (b.hold_expires_at) {
    const std::string t = service::format_rfc3339(*b.hold_expires_at);
    json_string(w, t);
  } else {
    w.Null();
  }
  json_string(w, "cancellation_terms");
  if (b.cancellation_terms) {
    w.StartObject();
    json_member(w, "free_cancellation_cutoff_minutes",
                b.cancellation_terms->free_cancellation_cutoff_minutes);
    json_member(w, "late_cancellation_refund_percent",
                b.cancellation_terms->late_cancellation_refund_percent);
    w.EndObject();
  } else {
    w.Null();
  }
  json_member(w, "created_at", service::format_rfc3339(b.created_at));
  json_member(w, "updated_at", service::format_rfc3339(b.updated_at));
  json_member(w, "version", static_cast<std::int64_t>(b.version));
}

std::string done(const rapidjson::StringBuffer& sb) { return {sb.GetString(), sb.GetSize()}; }

}  // namespace

domain::TimeZone zone_or_utc(const std::string& name) {
  if (auto z = domain::TimeZone::locate(name)) return z.value();
  return domain::TimeZone::locate("UTC").value();
}

std::string format_in(const domain::TimeZone& zone, domain::Instant t) {
  const domain::LocalReading r = zone.reading(t);
  const auto local = r.date.time_since_epoch() + r.time_of_day;
  const auto offset =
      std::chrono::duration_cast<std::chrono::minutes>(local - t.time_since_epoch());
  return service::format_rfc3339(t, offset);
}

namespace {

// One service as the public profile shows it; the owner's list adds
// `active` (a retired service is listed there only).
void write_service(Writer& w, const ServiceRow& s, bool with_active) {
  w.StartObject();
  json_member(w, "id", s.service_id);
  json_member(w, "name", s.name);
  json_member(w, "description", s.description);
  json_member(w, "duration_minutes", s.duration_minutes);
  json_member(w, "buffer_before_minutes", s.buffer_before_minutes);
  json_member(w, "buffer_after_minutes", s.buffer_after_minutes);
  money(w, "price", s.price_minor, s.currency);
  json_member(w, "payment_mode", s.payment_mode);
  if (s.deposit_minor) money(w, "deposit", *s.deposit_minor, s.currency);
  if (with_active) {
    json_string(w, "active");
    w.Bool(s.active);
  }
  w.EndObject();
}

}  // namespace

std::string business_json(const BusinessRow& b, const std::vector<ServiceRow>& services) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  json_member(w, "id", b.business_id);
  json_member(w, "slug", b.slug);
  json_member(w, "name", b.name);
  json_member(w, "description", b.description);
  json_member(w, "contact_email", b.contact_email);
  json_member(w, "contact_phone", b.contact_phone);
  json_member(w, "address", b.address);
  json_member(w, "time_zone", b.time_zone);
  json_member(w, "currency", b.currency);
  json_string(w, "policy");
  w.StartObject();
  json_member(w, "slot_interval_minutes", b.slot_interval_minutes);
  json_member(w, "min_notice_minutes", b.min_notice_minutes);
  json_member(w, "horizon_days", b.horizon_days);
  json_member(w, "max_bookings_per_day", b.max_bookings_per_day);
  json_member(w, "hold_minutes", b.hold_minutes);
  json_member(w, "free_cancellation_cutoff_minutes", b.free_cancellation_cutoff_minutes);
  json_member(w, "late_cancellation_refund_percent", b.late_cancellation_refund_percent);
  w.EndObject();
  json_string(w, "services");
  w.StartArray();
  for (const ServiceRow& s : services) {
    if (s.active) write_service(w, s, false);
  }
  w.EndArray();
  json_member(w, "version", static_cast<std::int64_t>(b.version));
  w.EndObject();
  return done(sb);
}

std::string services_json(const BusinessRow& business, const std::vector<ServiceRow>& services) {
  std::vector<const ServiceRow*> sorted;
  sorted.reserve(services.size());
  for (const ServiceRow& s : services) sorted.push_back(&s);
  // What an owner's list shows first: the services on offer, by name.
  std::ranges::sort(sorted, [](const ServiceRow* a, const ServiceRow* b) {
    if (a->active != b->active) return a->active;
    return std::tie(a->name, a->service_id) < std::tie(b->name, b->service_id);
  });
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  json_member(w, "business_id", business.business_id);
  json_string(w, "services");
  w.StartArray();
  for (const ServiceRow* s : sorted) write_service(w, *s, true);
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string availability_json(const BusinessRow& business, const std::string& service_id,
                              const domain::TimeZone& display,
                              const std::vector<AvailabilityDay>& days) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  json_member(w, "business_id", business.business_id);
  json_member(w, "service_id", service_id);
  json_member(w, "time_zone", std::string(display.name()));
  json_string(w, "days");
  w.StartArray();
  for (const AvailabilityDay& d : days) {
    w.StartObject();
    json_member(w, "date", domain::format_local_date(d.date));
    json_string(w, "slots");
    w.StartArray();
    for (const domain::Instant s : d.slots) {
      const std::string t = format_in(display, s);
      json_string(w, t);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string booking_json(const BookingRow& booking, const std::vector<HistoryEntry>& history,
                         BookingReader reader) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  booking_fields(w, booking, zone_or_utc(booking.time_zone));
  json_string(w, "history");
  w.StartArray();
  for (const HistoryEntry& h : history) {
    w.StartObject();
    json_member(w, "position", static_cast<std::int64_t>(h.seq));
    json_member(w, "type", h.event_type);
    json_member(w, "occurred_at", service::format_rfc3339(h.occurred_at));
    json_string(w, "actor");
    w.StartObject();
    json_member(w, "kind", h.actor_kind);
    json_member(w, "id", h.actor_id);
    w.EndObject();
    json_string(w, "detail");
    write_history_detail(w, h.event_type, h.detail_json, reader);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string booking_page_json(const std::vector<BookingRow>& items,
                              const std::optional<std::string>& next_cursor) {
  // A booking renders to ~800 bytes: sized up front, a 50-item page's
  // buffer is not regrown (and copied) eight times from 256 bytes.
  constexpr std::size_t kBytesPerBooking = 1024;
  rapidjson::StringBuffer sb(nullptr, 256 + items.size() * kBytesPerBooking);
  Writer w(sb);
  w.StartObject();
  json_string(w, "items");
  w.StartArray();
  // A page's bookings nearly always share one zone: looked up once.
  std::optional<std::pair<std::string, domain::TimeZone>> zone;
  for (const BookingRow& b : items) {
    if (!zone || zone->first != b.time_zone) zone.emplace(b.time_zone, zone_or_utc(b.time_zone));
    w.StartObject();
    booking_fields(w, b, zone->second);
    w.EndObject();
  }
  w.EndArray();
  json_string(w, "next_cursor");
  if (next_cursor) {
    json_string(w, *next_cursor);
  } else {
    w.Null();
  }
  w.EndObject();
  return done(sb);
}

std::string stats_json(const BusinessRow& business, const std::string& from, const std::string& to,
                       const std::vector<DayStats>& days) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  DayStats total;
  auto counts = [&](const DayStats& d) {
    json_member(w, "tentative", d.tentative);
    json_member(w, "confirmed", d.confirmed);
    json_member(w, "cancelled", d.cancelled);
    json_member(w, "expired", d.expired);
    json_member(w, "completed", d.completed);
    json_member(w, "no_show", d.no_show);
    json_member(w, "total", d.total);
    json_member(w, "revenue_minor", d.revenue_minor);
  };
  w.StartObject();
  json_member(w, "business_id", business.business_id);
  json_member(w, "from", from);
  json_member(w, "to", to);
  json_member(w, "currency", business.currency);
  json_string(w, "days");
  w.StartArray();
  for (const DayStats& d : days) {
    w.StartObject();
    json_member(w, "date", d.local_date);
    counts(d);
    w.EndObject();
    total.tentative += d.tentative;
    total.confirmed += d.confirmed;
    total.cancelled += d.cancelled;
    total.expired += d.expired;
    total.completed += d.completed;
    total.no_show += d.no_show;
    total.total += d.total;
    total.revenue_minor += d.revenue_minor;
  }
  w.EndArray();
  json_string(w, "totals");
  w.StartObject();
  counts(total);
  w.EndObject();
  w.EndObject();
  return done(sb);
}

std::string feed_json(const std::string& url, const std::string& token) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  json_member(w, "url", url);
  json_member(w, "token", token);
  w.EndObject();
  return done(sb);
}

std::string notifications_json(const BusinessRow& business,
                               const std::vector<NotificationRow>& rows) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  const domain::TimeZone tz = zone_or_utc(business.time_zone);
  w.StartObject();
  json_member(w, "business_id", business.business_id);
  json_string(w, "notifications");
  w.StartArray();
  for (const NotificationRow& n : rows) {
    w.StartObject();
    json_member(w, "id", n.id);
    json_member(w, "booking_id", n.booking_id);
    json_member(w, "kind", n.kind);
    json_member(w, "channel", n.channel);
    json_member(w, "recipient", n.recipient);
    json_member(w, "subject", n.subject);
    json_member(w, "status", n.status);
    json_member(w, "attempts", n.attempts);
    json_member(w, "last_error", n.last_error);
    json_member(w, "due_at", format_in(tz, n.due_at));
    json_string(w, "sent_at");
    if (n.sent_at) {
      const std::string t = format_in(tz, *n.sent_at);
      json_string(w, t);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace slotwise::query
