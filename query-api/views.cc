#include "query-api/views.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "domain/proto_values.h"
#include "service/rfc3339.h"

namespace slotwise::query {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes a string (a value, or a key: to the Writer's state a key is a
// string value, with the same separators) copied in one piece when it holds
// nothing JSON must escape, which is nearly always: RapidJSON's String()
// examines and appends every character on its own, which was ~25 % of
// slotwise-query's CPU on a list page (50 bookings x 25 keys and ~15 text
// values). The output is the same: without kWriteValidateEncodingFlag
// RapidJSON escapes exactly the control characters, '"' and '\\'.
void string_value(Writer& w, std::string_view text) {
  // Left uninitialised: only the bytes written below are read.
  std::array<char, 256> quoted;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  const bool plain =
      text.size() + 2 <= quoted.size() && std::none_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
      });
  if (!plain) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return;
  }
  quoted[0] = '"';
  std::memcpy(quoted.data() + 1, text.data(), text.size());
  quoted[text.size() + 1] = '"';
  w.RawValue(quoted.data(), text.size() + 2, rapidjson::kStringType);
}

void key(Writer& w, std::string_view name) { string_value(w, name); }

void str(Writer& w, const char* name, const std::string& value) {
  key(w, name);
  string_value(w, value);
}

void num(Writer& w, const char* name, std::int64_t value) {
  key(w, name);
  w.Int64(value);
}

void money(Writer& w, const char* name, std::int64_t minor, const std::string& currency) {
  key(w, name);
  w.StartObject();
  num(w, "amount_minor", minor);
  str(w, "currency", currency);
  w.EndObject();
}

// A zone for rendering a booking: its own, else UTC.
domain::TimeZone zone_or_utc(const std::string& name) {
  if (auto z = domain::TimeZone::locate(name)) return z.value();
  return domain::TimeZone::locate("UTC").value();
}

// `zone` is the booking's own (zone_or_utc(b.time_zone)).
void booking_fields(Writer& w, const BookingRow& b, const domain::TimeZone& zone) {
  str(w, "id", b.booking_id);
  str(w, "business_id", b.business_id);
  str(w, "service_id", b.service_id);
  str(w, "service_name", b.service_name);
  str(w, "status", b.status);
  str(w, "start", format_in(zone, b.start));
  str(w, "end", format_in(zone, b.end));
  str(w, "local_date", b.local_date);
  str(w, "time_zone", b.time_zone);
  num(w, "buffer_before_minutes", b.buffer_before_minutes);
  num(w, "buffer_after_minutes", b.buffer_after_minutes);
  key(w, "customer");
  w.StartObject();
  str(w, "name", b.customer_name);
  str(w, "email", b.customer_email);
  str(w, "phone", b.customer_phone);
  w.EndObject();
  str(w, "notes", b.notes);
  money(w, "price", b.price_minor, b.currency);
  money(w, "amount_due", b.amount_due_minor, b.currency);
  key(w, "hold_expires_at");
  if (b.hold_expires_at) {
    const std::string t = service::format_rfc3339(*b.hold_expires_at);
    w.String(t.c_str());
  } else {
    w.Null();
  }
  str(w, "created_at", service::format_rfc3339(b.created_at));
  str(w, "updated_at", service::format_rfc3339(b.updated_at));
  num(w, "version", static_cast<std::int64_t>(b.version));
}

std::string done(const rapidjson::StringBuffer& sb) { return {sb.GetString(), sb.GetSize()}; }

}  // namespace

std::string format_in(const domain::TimeZone& zone, domain::Instant t) {
  const domain::LocalReading r = zone.reading(t);
  const auto local = r.date.time_since_epoch() + r.time_of_day;
  const auto offset =
      std::chrono::duration_cast<std::chrono::minutes>(local - t.time_since_epoch());
  return service::format_rfc3339(t, offset);
}

std::string business_json(const BusinessRow& b, const std::vector<ServiceRow>& services) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  str(w, "id", b.business_id);
  str(w, "slug", b.slug);
  str(w, "name", b.name);
  str(w, "description", b.description);
  str(w, "contact_email", b.contact_email);
  str(w, "contact_phone", b.contact_phone);
  str(w, "address", b.address);
  str(w, "time_zone", b.time_zone);
  str(w, "currency", b.currency);
  key(w, "policy");
  w.StartObject();
  num(w, "slot_interval_minutes", b.slot_interval_minutes);
  num(w, "min_notice_minutes", b.min_notice_minutes);
  num(w, "horizon_days", b.horizon_days);
  num(w, "max_bookings_per_day", b.max_bookings_per_day);
  num(w, "hold_minutes", b.hold_minutes);
  num(w, "free_cancellation_cutoff_minutes", b.free_cancellation_cutoff_minutes);
  num(w, "late_cancellation_refund_percent", b.late_cancellation_refund_percent);
  w.EndObject();
  key(w, "services");
  w.StartArray();
  for (const ServiceRow& s : services) {
    if (!s.active) continue;
    w.StartObject();
    str(w, "id", s.service_id);
    str(w, "name", s.name);
    str(w, "description", s.description);
    num(w, "duration_minutes", s.duration_minutes);
    num(w, "buffer_before_minutes", s.buffer_before_minutes);
    num(w, "buffer_after_minutes", s.buffer_after_minutes);
    money(w, "price", s.price_minor, s.currency);
    str(w, "payment_mode", s.payment_mode);
    if (s.deposit_minor) money(w, "deposit", *s.deposit_minor, s.currency);
    w.EndObject();
  }
  w.EndArray();
  num(w, "version", static_cast<std::int64_t>(b.version));
  w.EndObject();
  return done(sb);
}

std::string availability_json(const BusinessRow& business, const std::string& service_id,
                              const domain::TimeZone& display,
                              const std::vector<AvailabilityDay>& days) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  str(w, "business_id", business.business_id);
  str(w, "service_id", service_id);
  str(w, "time_zone", std::string(display.name()));
  key(w, "days");
  w.StartArray();
  for (const AvailabilityDay& d : days) {
    w.StartObject();
    str(w, "date", domain::format_local_date(d.date));
    key(w, "slots");
    w.StartArray();
    for (const domain::Instant s : d.slots) {
      const std::string t = format_in(display, s);
      w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string booking_json(const BookingRow& booking, const std::vector<HistoryEntry>& history) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  booking_fields(w, booking, zone_or_utc(booking.time_zone));
  key(w, "history");
  w.StartArray();
  for (const HistoryEntry& h : history) {
    w.StartObject();
    num(w, "position", static_cast<std::int64_t>(h.seq));
    str(w, "type", h.event_type);
    str(w, "occurred_at", service::format_rfc3339(h.occurred_at));
    key(w, "actor");
    w.StartObject();
    str(w, "kind", h.actor_kind);
    str(w, "id", h.actor_id);
    w.EndObject();
    key(w, "detail");
    rapidjson::Document detail;
    detail.Parse(h.detail_json.c_str(), h.detail_json.size());
    if (detail.HasParseError()) {
      w.Null();
    } else {
      detail.Accept(w);
    }
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
  key(w, "items");
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
  key(w, "next_cursor");
  if (next_cursor) {
    w.String(next_cursor->c_str());
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
    num(w, "tentative", d.tentative);
    num(w, "confirmed", d.confirmed);
    num(w, "cancelled", d.cancelled);
    num(w, "expired", d.expired);
    num(w, "completed", d.completed);
    num(w, "no_show", d.no_show);
    num(w, "total", d.total);
    num(w, "revenue_minor", d.revenue_minor);
  };
  w.StartObject();
  str(w, "business_id", business.business_id);
  str(w, "from", from);
  str(w, "to", to);
  str(w, "currency", business.currency);
  key(w, "days");
  w.StartArray();
  for (const DayStats& d : days) {
    w.StartObject();
    str(w, "date", d.local_date);
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
  key(w, "totals");
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
  str(w, "url", url);
  str(w, "token", token);
  w.EndObject();
  return done(sb);
}

std::string notifications_json(const BusinessRow& business,
                               const std::vector<NotificationRow>& rows) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  const auto zone = domain::TimeZone::locate(business.time_zone);
  const auto utc = domain::TimeZone::locate("UTC");
  const domain::TimeZone& tz = zone ? zone.value() : utc.value();
  w.StartObject();
  str(w, "business_id", business.business_id);
  key(w, "notifications");
  w.StartArray();
  for (const NotificationRow& n : rows) {
    w.StartObject();
    str(w, "id", n.id);
    str(w, "booking_id", n.booking_id);
    str(w, "kind", n.kind);
    str(w, "channel", n.channel);
    str(w, "recipient", n.recipient);
    str(w, "subject", n.subject);
    str(w, "status", n.status);
    num(w, "attempts", n.attempts);
    str(w, "last_error", n.last_error);
    str(w, "due_at", format_in(tz, n.due_at));
    key(w, "sent_at");
    if (n.sent_at) {
      const std::string t = format_in(tz, *n.sent_at);
      w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
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
