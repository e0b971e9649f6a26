#include "query-api/profile_views.h"

#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <array>

#include "domain/schedule.h"
#include "query-api/availability.h"
#include "query-api/views.h"
#include "service/json_write.h"

namespace slotwise::query {
namespace {

using Writer = service::JsonWriter;
using service::json_member;
using service::json_string;

void intervals(Writer& w, const domain::DayIntervals& day) {
  w.StartArray();
  for (const domain::LocalInterval& i : day) {
    w.StartObject();
    json_member(w, "start", clock_text(i.start_minute));
    json_member(w, "end", clock_text(i.end_minute));
    w.EndObject();
  }
  w.EndArray();
}

void nullable(Writer& w, const char* name, const std::optional<std::string>& value) {
  json_string(w, name);
  if (value) {
    json_string(w, *value);
  } else {
    w.Null();
  }
}

std::string done(const rapidjson::StringBuffer& sb) { return {sb.GetString(), sb.GetSize()}; }

}  // namespace

std::string clock_text(int minute_of_day) {
  // 0..1440 by the schedule's rules; anything else is shown clamped.
  const int m = std::clamp(minute_of_day, 0, 24 * 60);
  const std::array<char, 5> text{
      static_cast<char>('0' + m / 600), static_cast<char>('0' + m / 60 % 10), ':',
      static_cast<char>('0' + m % 60 / 10), static_cast<char>('0' + m % 10)};
  return {text.data(), text.size()};
}

std::string opening_hours_json(const BusinessRow& business, const OpeningHours& hours,
                               const std::string& from, const std::string& to) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  json_member(w, "business_id", business.business_id);
  json_member(w, "time_zone", hours.calendar ? hours.calendar->time_zone : business.time_zone);
  json_string(w, "days");
  w.StartObject();
  const domain::WeeklySchedule weekly =
      hours.calendar ? parse_schedule(hours.calendar->schedule_json) : domain::WeeklySchedule{};
  for (std::size_t d = 0; d < weekly.days.size(); ++d) {
    json_string(w, domain::weekday_name(d));
    intervals(w, weekly.days[d]);
  }
  w.EndObject();
  json_member(w, "from", from);
  json_member(w, "to", to);
  json_string(w, "overrides");
  w.StartArray();
  for (const OverrideRow& o : hours.overrides) {
    const domain::DayIntervals open = parse_intervals(o.intervals_json);
    w.StartObject();
    json_member(w, "date", o.local_date);
    json_string(w, "closed");
    // An override with no intervals is closed too (PUT .../overrides says so).
    w.Bool(o.closed || open.empty());
    json_string(w, "intervals");
    intervals(w, o.closed ? domain::DayIntervals{} : open);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string owned_businesses_json(const std::string& user_id,
                                  const std::vector<OwnedBusiness>& businesses) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  json_member(w, "user_id", user_id);
  json_string(w, "businesses");
  w.StartArray();
  for (const OwnedBusiness& b : businesses) {
    w.StartObject();
    json_member(w, "id", b.business_id);
    json_member(w, "slug", b.slug);
    json_member(w, "name", b.name);
    json_member(w, "time_zone", b.time_zone);
    json_member(w, "currency", b.currency);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string customer_page_json(const BusinessRow& business, const std::vector<CustomerRow>& items,
                               const std::optional<std::string>& next_cursor) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  const domain::TimeZone tz = zone_or_utc(business.time_zone);
  w.StartObject();
  json_member(w, "business_id", business.business_id);
  json_string(w, "items");
  w.StartArray();
  for (const CustomerRow& c : items) {
    w.StartObject();
    json_member(w, "name", c.name);
    json_member(w, "email", c.email);
    json_member(w, "phone", c.phone);
    json_member(w, "bookings_count", c.bookings_count);
    json_member(w, "last_booking_at", format_in(tz, c.last_booking_at));
    w.EndObject();
  }
  w.EndArray();
  nullable(w, "next_cursor", next_cursor);
  w.EndObject();
  return done(sb);
}

}  // namespace slotwise::query
