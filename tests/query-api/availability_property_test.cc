// Property: for random schedules, overrides, policies, services and
// bookings (statuses, holds, reschedules) in zones with DST changes, the
// availability API lists exactly the slot-grid starts that the command
// side's acceptance rule (domain::check_bookable, on the calendar and
// business state folded from the same events) accepts: every listed slot is
// bookable and every bookable slot is listed, grouped by the local date of
// the requested display zone. Bounded: a fixed seed, a few businesses, a few
// ranges each.
#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <array>
#include <random>
#include <set>
#include <variant>

#include "domain/availability.h"
#include "domain/fold.h"
#include "query-api/views.h"
#include "service/rfc3339.h"
#include "tests/query-api/query_fixture.h"

namespace slotwise::testing {
namespace {

struct Zone {
  const char* name = nullptr;
  date::sys_days near;  // "now" a few days before a DST change
};

const std::array<Zone, 5> kZones = {{
    {"America/New_York", date::year{2026} / 3 / 5},
    {"Europe/London", date::year{2026} / 10 / 22},
    {"Australia/Lord_Howe", date::year{2026} / 4 / 1},
    {"Asia/Kathmandu", date::year{2026} / 6 / 1},
    {"America/Sao_Paulo", date::year{2026} / 2 / 10},
}};

class Rng {
 public:
  explicit Rng(unsigned seed) : g_(seed) {}
  int in(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g_); }
  bool chance(int percent) { return in(1, 100) <= percent; }

 private:
  std::mt19937 g_;
};

std::vector<std::pair<int, int>> random_day(Rng& r) {
  std::vector<std::pair<int, int>> day;
  int at = r.in(0, 10) * 60;
  const int n = r.in(0, 3);
  for (int i = 0; i < n && at < 1440; ++i) {
    const int end = std::min(1440, at + r.in(1, 24) * 30);
    day.emplace_back(at, end);
    at = end + (r.chance(30) ? 0 : r.in(1, 6) * 15);
  }
  return day;
}

struct Business {
  std::string id;
  std::string zone;
  domain::Instant now;
  std::vector<domain::BusinessEvent> business_events;
  std::vector<domain::CalendarEvent> calendar_events;
};

Business generate(Rng& r, int n, const Zone& z) {
  Business b;
  b.id = "biz_p" + std::to_string(n);
  b.zone = z.name;
  b.now = domain::Instant{z.near.time_since_epoch()} + std::chrono::minutes(r.in(0, 1439));
  const int slot = std::array{10, 15, 20, 30, 45, 60}[static_cast<std::size_t>(r.in(0, 5))];
  b.business_events.push_back(
      business_created(b.id, "prop-" + std::to_string(n), "usr_p", b.zone,
                       policy(slot, r.in(0, 8) * 60, r.in(3, 20), r.chance(40) ? r.in(1, 4) : 0)));
  b.business_events.push_back(
      service_defined(b.id, "svc_p", r.in(1, 8) * 15, r.in(0, 2) * 10, r.in(0, 2) * 10, 1000));
  std::vector<std::vector<std::pair<int, int>>> week;
  week.reserve(7);
  for (int d = 0; d < 7; ++d) week.push_back(random_day(r));
  b.calendar_events.push_back(schedule_set(b.id, b.zone, week));
  const auto today = date::floor<date::days>(b.now);
  for (int i = 0; i < 6; ++i) {
    const std::string day = domain::format_local_date(
        domain::LocalDate{(today + date::days{r.in(-1, 15)}).time_since_epoch()});
    if (r.chance(50)) {
      b.calendar_events.push_back(override_set(b.id, b.zone, day, true, {}));
    } else {
      b.calendar_events.push_back(override_set(b.id, b.zone, day, false, random_day(r)));
    }
  }
  const int bookings = r.in(5, 30);
  const std::int64_t base = b.now.time_since_epoch().count();
  for (int i = 0; i < bookings; ++i) {
    const std::string bkg = b.id + "_b" + std::to_string(i);
    const std::int64_t start = (base / 900 + r.in(-200, 1500)) * 900;
    const int minutes = r.in(1, 8) * 15;
    const int kind = r.in(0, 9);
    std::optional<std::int64_t> hold;
    if (kind == 1) hold = base + r.in(-3600, 3600);
    b.calendar_events.push_back(booking_created(b.id, bkg, "svc_p", start, minutes, b.zone,
                                                "p@example.com", 1000, r.in(0, 2) * 10,
                                                r.in(0, 2) * 10, hold));
    switch (kind) {
      case 0:
      case 2:
      case 3:
        b.calendar_events.push_back(confirmed(b.id, bkg));
        break;
      case 4:
        b.calendar_events.push_back(cancelled(b.id, bkg));
        break;
      case 5:
        b.calendar_events.push_back(expired(b.id, bkg));
        break;
      case 6:
        b.calendar_events.push_back(confirmed(b.id, bkg));
        b.calendar_events.push_back(completed(b.id, bkg));
        break;
      case 7:
        b.calendar_events.push_back(confirmed(b.id, bkg));
        b.calendar_events.push_back(
            rescheduled(b.id, bkg, (base / 900 + r.in(0, 1500)) * 900, minutes));
        break;
      default:
        break;  // tentative (kind 1 with a hold, 8/9 without)
    }
  }
  return b;
}

// The oracle: every grid start of the calendar's dates around the range that
// check_bookable() accepts, by its date in `display`.
std::map<std::string, std::vector<domain::Instant>> expected(const Business& b,
                                                             domain::LocalDate from,
                                                             domain::LocalDate to,
                                                             const domain::TimeZone& display) {
  const domain::CalendarState cal = domain::fold(domain::CalendarState{}, b.calendar_events);
  const domain::BusinessState biz = domain::fold(domain::BusinessState{}, b.business_events);
  std::map<std::string, std::vector<domain::Instant>> out;
  for (auto d = from; d <= to; d += date::days{1}) out[domain::format_local_date(d)];
  REQUIRE(cal.zone.has_value());
  const domain::Service* svc = domain::find_service(biz, "svc_p");
  REQUIRE(svc != nullptr);
  const domain::BusyCalendar busy = domain::busy_calendar(cal, b.now);
  const domain::BookingContext ctx{cal.schedule,       cal.overrides,          *cal.zone,
                                   biz.policy.booking, svc->definition.timing, busy};
  std::set<domain::Instant> seen;
  for (auto d = from - date::days{2}; d <= to + date::days{2}; d += date::days{1}) {
    for (const domain::Instant s :
         domain::slot_starts(cal.schedule, cal.overrides, *cal.zone, biz.policy.booking, d)) {
      if (!seen.insert(s).second) continue;
      if (!domain::check_bookable(ctx, s, b.now)) continue;
      const auto day = display.reading(s).date;
      if (day < from || day > to) continue;
      out[domain::format_local_date(day)].push_back(s);
    }
  }
  for (auto& [day, slots] : out) std::sort(slots.begin(), slots.end());
  return out;
}

// The oracle of the reschedule variant: the starts the decider
// (domain::decide(RescheduleBooking), by the owner) accepts for
// `booking_id` among the grid starts and its current start (which it
// accepts as a no-op wherever it lies: off today's grid, inside the notice,
// outside today's hours, in the past), by their date in `display`; or the
// decider's error code when the booking cannot move at all.
using Oracle = std::variant<std::map<std::string, std::vector<domain::Instant>>, std::string>;
Oracle expected_move(const Business& b, const std::string& booking_id, domain::LocalDate from,
                     domain::LocalDate to, const domain::TimeZone& display) {
  const domain::CalendarState cal = domain::fold(domain::CalendarState{}, b.calendar_events);
  const domain::BusinessState biz = domain::fold(domain::BusinessState{}, b.business_events);
  const domain::Booking& booking = cal.bookings.at(booking_id);
  const domain::Actor owner{domain::ActorKind::owner, "usr_p"};
  const auto move = [&](domain::Instant start) {
    return domain::decide(cal, domain::RescheduleBooking{b.id, booking_id, "usr_p", owner, "",
                                                         start, biz.policy.booking, b.now});
  };
  // Any start the booking does not have yet tells whether it can move.
  if (auto r = move(booking.start + std::chrono::minutes{1});
      !r && r.error().code == "invalid_state") {
    return r.error().code;
  }
  std::set<domain::Instant> candidates{booking.start};
  for (auto d = from - date::days{2}; d <= to + date::days{2}; d += date::days{1}) {
    for (const domain::Instant s :
         domain::slot_starts(cal.schedule, cal.overrides, *cal.zone, biz.policy.booking, d)) {
      candidates.insert(s);
    }
  }
  std::map<std::string, std::vector<domain::Instant>> out;
  for (auto d = from; d <= to; d += date::days{1}) out[domain::format_local_date(d)];
  for (const domain::Instant s : candidates) {
    if (!move(s)) continue;
    const auto day = display.reading(s).date;
    if (day < from || day > to) continue;
    out[domain::format_local_date(day)].push_back(s);
  }
  return out;
}

// The slots of an availability answer by date; each shown in `display`.
std::map<std::string, std::vector<domain::Instant>> slots_of(const std::string& body,
                                                             const domain::TimeZone& display) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  REQUIRE(doc.IsObject());
  std::map<std::string, std::vector<domain::Instant>> got;
  for (const auto& day : doc["days"].GetArray()) {
    auto& slots = got[day["date"].GetString()];
    for (const auto& s : day["slots"].GetArray()) {
      auto t = service::parse_rfc3339(s.GetString());
      REQUIRE(t.ok());
      // The offset shown is the display zone's at that instant.
      CHECK(std::string(s.GetString()) == query::format_in(display, t.value()));
      slots.push_back(t.value());
    }
  }
  return got;
}

// Two random businesses per zone, appended to the log and projected.
std::vector<Business> store_random_businesses(QueryFixture& f, Rng& r) {
  std::vector<Business> businesses;
  int n = 0;
  for (const Zone& z : kZones) {
    for (int k = 0; k < 2; ++k) {
      businesses.push_back(generate(r, n++, z));
      const Business& b = businesses.back();
      f.append<domain::BusinessEvent>("business", b.id, b.business_events);
      for (const auto& e : b.calendar_events) {
        f.append<domain::CalendarEvent>("calendar", b.id, std::vector<domain::CalendarEvent>{e});
      }
    }
  }
  f.sync();
  return businesses;
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture, "availability from the API equals the command side's rule") {
  Rng r(20261125);
  const std::vector<Business> businesses = store_random_businesses(*this, r);
  int compared_slots = 0;
  for (const Business& b : businesses) {
    now_seconds = b.now.time_since_epoch().count();
    for (int q = 0; q < 4; ++q) {
      const auto first = domain::LocalDate{date::floor<date::days>(b.now).time_since_epoch()} +
                         date::days{r.in(-2, 10)};
      const auto last = first + date::days{r.in(0, 12)};
      const char* tz =
          q % 2 == 0 ? b.zone.c_str() : kZones[static_cast<std::size_t>(r.in(0, 4))].name;
      const domain::TimeZone display = domain::TimeZone::locate(tz).value();
      CAPTURE(b.id);
      CAPTURE(tz);
      CAPTURE(domain::format_local_date(first));
      CAPTURE(domain::format_local_date(last));
      auto res = get("/v1/businesses/" + b.id +
                     "/availability?service_id=svc_p&from=" + domain::format_local_date(first) +
                     "&to=" + domain::format_local_date(last) + "&tz=" + tz);
      REQUIRE(res);
      REQUIRE(res->status == 200);
      const auto got = slots_of(res->body, display);
      const auto want = expected(b, first, last, display);
      CHECK(got == want);
      for (const auto& [day, slots] : want) compared_slots += static_cast<int>(slots.size());
    }
  }
  MESSAGE("compared " << compared_slots << " bookable slots");
  CHECK(compared_slots > 100);  // the property was exercised, not vacuous
}

TEST_CASE_FIXTURE(QueryFixture, "availability for a reschedule equals the reschedule decider") {
  Rng r(20261127);
  const std::vector<Business> businesses = store_random_businesses(*this, r);
  int compared_slots = 0;
  int refused = 0;
  for (const Business& b : businesses) {
    now_seconds = b.now.time_since_epoch().count();
    const domain::CalendarState cal = domain::fold(domain::CalendarState{}, b.calendar_events);
    std::vector<std::string> ids;
    for (const auto& [id, booking] : cal.bookings) ids.push_back(id);
    for (int q = 0; q < 6; ++q) {
      const std::string& booking =
          ids[static_cast<std::size_t>(r.in(0, static_cast<int>(ids.size()) - 1))];
      // Around the booking's own time, where leaving it out matters most.
      const auto around = domain::LocalDate{
          date::floor<date::days>(cal.bookings.at(booking).start).time_since_epoch()};
      const auto first = around - date::days{r.in(0, 3)};
      const auto last = around + date::days{r.in(0, 3)};
      const char* tz =
          q % 2 == 0 ? b.zone.c_str() : kZones[static_cast<std::size_t>(r.in(0, 4))].name;
      const domain::TimeZone display = domain::TimeZone::locate(tz).value();
      CAPTURE(b.id);
      CAPTURE(booking);
      CAPTURE(tz);
      CAPTURE(domain::format_local_date(first));
      CAPTURE(domain::format_local_date(last));
      // An owner token valid at the business's "now".
      const std::string jwt = test_jwt().issue("usr_p", b.now, std::chrono::hours(1)).value();
      auto res = get("/v1/businesses/" + b.id + "/availability?reschedule=" + booking +
                         "&from=" + domain::format_local_date(first) +
                         "&to=" + domain::format_local_date(last) + "&tz=" + tz,
                     {{"Authorization", "Bearer " + jwt}});
      REQUIRE(res);
      const Oracle want = expected_move(b, booking, first, last, display);
      if (const auto* code = std::get_if<std::string>(&want)) {
        CHECK(res->status == 409);
        rapidjson::Document doc;
        doc.Parse(res->body.c_str());
        REQUIRE(doc.IsObject());
        CHECK(std::string(doc["error"]["code"].GetString()) == *code);
        ++refused;
        continue;
      }
      REQUIRE(res->status == 200);
      const auto& slots = std::get<0>(want);
      CHECK(slots_of(res->body, display) == slots);
      for (const auto& [day, day_slots] : slots)
        compared_slots += static_cast<int>(day_slots.size());
    }
  }
  MESSAGE("compared " << compared_slots << " slots to move to; " << refused << " refused");
  CHECK(compared_slots > 100);
  CHECK(refused > 0);
}

}  // namespace slotwise::testing
