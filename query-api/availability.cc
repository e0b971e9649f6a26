#include "query-api/availability.h"

#include <algorithm>

#include <rapidjson/document.h>

#include <map>

#include "domain/availability.h"
#include "domain/proto_values.h"

namespace slotwise::query {
namespace {

domain::DayIntervals intervals_of(const rapidjson::Value& v) {
  domain::DayIntervals out;
  if (!v.IsArray()) return out;
  for (const auto& pair : v.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsInt() || !pair[1].IsInt()) continue;
    out.push_back(domain::LocalInterval{pair[0].GetInt(), pair[1].GetInt()});
  }
  return out;
}

std::optional<domain::BookingStatus> status_of(const std::string& s) {
  using domain::BookingStatus;
  static const std::map<std::string, BookingStatus, std::less<>> kByName = {
      {"tentative", BookingStatus::tentative}, {"confirmed", BookingStatus::confirmed},
      {"cancelled", BookingStatus::cancelled}, {"expired", BookingStatus::expired},
      {"completed", BookingStatus::completed}, {"no_show", BookingStatus::no_show}};
  const auto it = kByName.find(s);
  if (it == kByName.end()) return std::nullopt;
  return it->second;
}

}  // namespace

domain::DayIntervals parse_intervals(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return {};
  return intervals_of(doc);
}

domain::WeeklySchedule parse_schedule(std::string_view json) {
  domain::WeeklySchedule s;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) return s;
  for (rapidjson::SizeType d = 0; d < doc.Size() && d < 7; ++d) s.days[d] = intervals_of(doc[d]);
  return s;
}

domain::CalendarState calendar_state(const AvailabilityData& data) {
  domain::CalendarState state;
  state.business_id = data.business.business_id;
  if (data.calendar) {
    state.time_zone = data.calendar->time_zone;
    if (auto zone = domain::TimeZone::locate(state.time_zone)) state.zone = zone.value();
    state.schedule = parse_schedule(data.calendar->schedule_json);
  }
  for (const OverrideRow& o : data.overrides) {
    if (auto date = domain::parse_local_date(o.local_date)) {
      state.overrides[*date] = domain::DateOverride{o.closed, parse_intervals(o.intervals_json)};
    }
  }
  for (const BookingRow& r : data.bookings) {
    if (auto b = domain_booking(r)) domain::add_booking(state, std::move(*b));
  }
  return state;
}

std::optional<domain::Booking> domain_booking(const BookingRow& row) {
  const auto status = status_of(row.status);
  if (!status) return std::nullopt;
  domain::Booking b;
  b.booking_id = row.booking_id;
  b.service_id = row.service_id;
  b.status = *status;
  b.start = row.start;
  b.end = row.end;
  b.buffer_before_minutes = row.buffer_before_minutes;
  b.buffer_after_minutes = row.buffer_after_minutes;
  b.time_zone = row.time_zone;
  b.hold_expires_at = row.hold_expires_at;
  return b;
}

namespace {

// The starts free_slots() finds, by their date in `display`.
AvailabilityAnswer free_answer(const AvailabilityData& data, domain::LocalDate from,
                               domain::LocalDate to, const domain::TimeZone& display,
                               domain::Instant now, const std::optional<MovingBooking>& moving) {
  AvailabilityAnswer answer{{}, domain::Instant::max()};
  for (domain::LocalDate d = from; d <= to; d += date::days{1}) answer.days.push_back({d, {}});
  const domain::CalendarState state = calendar_state(data);
  // A retired service is no longer booked, but its bookings still move
  // (decide() does not look at the service of a reschedule).
  if (!state.zone || (!moving && !data.service.active)) return answer;
  domain::BookingPolicy policy;
  policy.slot_interval_minutes = data.business.slot_interval_minutes;
  policy.min_notice_minutes = data.business.min_notice_minutes;
  policy.horizon_days = data.business.horizon_days;
  policy.max_bookings_per_day = data.business.max_bookings_per_day;
  domain::ServiceTiming timing;
  timing.duration_minutes = data.service.duration_minutes;
  timing.buffer_before_minutes = data.service.buffer_before_minutes;
  timing.buffer_after_minutes = data.service.buffer_after_minutes;
  if (moving) timing = moving->timing;
  // A booking being moved must not block its own new time nor count on its
  // date (decide_reschedule leaves it out the same way).
  const domain::BusyCalendar busy =
      domain::busy_calendar(state, now, moving ? moving->booking_id : std::string_view());
  const domain::BookingContext ctx{state.schedule, state.overrides, *state.zone,
                                   policy,         timing,          busy};
  const domain::LocalDate last = to + date::days{2};
  const std::vector<domain::Instant> slots =
      domain::free_slots(ctx, from - date::days{2}, last, now);
  for (const domain::Instant slot : slots) {
    const domain::LocalDate day = display.reading(slot).date;
    if (day < from || day > to) continue;
    answer.days[static_cast<std::size_t>((day - from).count())].slots.push_back(slot);
  }
  answer.valid_until = domain::free_slots_valid_until(ctx, last, slots, now);
  if (const auto expiry = domain::next_hold_expiry(state, now)) {
    answer.valid_until = std::min(answer.valid_until, *expiry);
  }
  return answer;
}

// Adds a moving booking's current start to its date, keeping the slots
// sorted and unique. decide_reschedule answers that start as a retry that
// finds the booking already there (already_done, 200) once check_movable
// passed, without asking the engine, so the engine's verdict on it (which
// the rules of today may refuse: a new grid, notice, horizon, hours or
// daily limit) must not hide it: a customer keeps the time they hold.
void list_current_start(AvailabilityAnswer& answer, domain::LocalDate from, domain::LocalDate to,
                        const domain::TimeZone& display, domain::Instant start) {
  const domain::LocalDate day = display.reading(start).date;
  if (day < from || day > to) return;
  auto& slots = answer.days[static_cast<std::size_t>((day - from).count())].slots;
  const auto at = std::lower_bound(slots.begin(), slots.end(), start);
  if (at == slots.end() || *at != start) slots.insert(at, start);
}

}  // namespace

AvailabilityAnswer compute_availability(const AvailabilityData& data, domain::LocalDate from,
                                        domain::LocalDate to, const domain::TimeZone& display,
                                        domain::Instant now,
                                        const std::optional<MovingBooking>& moving) {
  AvailabilityAnswer answer = free_answer(data, from, to, display, now, moving);
  if (moving) list_current_start(answer, from, to, display, moving->start);
  return answer;
}

}  // namespace slotwise::query
