// Availability with reschedule=<booking id> lists exactly the starts that
// POST /v1/bookings/{id}/reschedule accepts for that booking, as the
// command side's decider (domain::decide(RescheduleBooking), on the state
// folded from the same events) decides them: the booking does not block its
// own time nor count on its date's limit, and it keeps its own duration and
// buffers after its service changed; its current start, which /reschedule
// accepts as a no-op, is listed even where today's rules (grid, notice,
// horizon, hours, daily limit) would refuse a new booking there, and for
// the owner after it started. Only the owner or the manage token may
// ask; a booking that cannot move is the 409 /reschedule answers; the answer
// is private, and the public answers the cache keeps are not disturbed.
#include <doctest/doctest.h>

#include <set>

#include "domain/fold.h"
#include "query-api/views.h"
#include "service/rfc3339.h"
#include "tests/query-api/query_scenario.h"

namespace slotwise::testing {
namespace {

constexpr std::int64_t kTuesday = kMonday + 86400;  // 2026-05-26T00:00:00Z
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;
const char* const kZone = "Europe/London";  // BST: 10:00 there is 09:00Z

// Two businesses: move-r (owner usr_r, at most 2 bookings a day) whose
// 60-minute service with a 15-minute buffer after is later cut to 30
// minutes without buffers, and other-x (owner usr_x) with one booking.
struct MoveScenario {
  auth::ManageToken token = auth::new_manage_token().value();
  std::vector<domain::BusinessEvent> business_events;
  std::vector<domain::CalendarEvent> calendar_events;
};

domain::BusinessEvent service_updated(const std::string& biz, const std::string& svc, int duration,
                                      int before, int after) {
  v1::ServiceUpdated e;
  e.set_business_id(biz);
  e.set_service_id(svc);
  *e.mutable_definition() =
      std::get<v1::ServiceDefined>(service_defined(biz, svc, duration, before, after, 1000))
          .definition();
  return e;
}

MoveScenario build_move_scenario(QueryFixture& f) {
  MoveScenario s;
  s.business_events = {business_created("biz_r", "move-r", "usr_r", kZone, policy(30, 0, 30, 2)),
                       service_defined("biz_r", "svc_long", 60, 0, 15, 1000),
                       service_defined("biz_r", "svc_other", 30, 0, 0, 1000)};
  const std::vector<std::pair<int, int>> hours = {{540, 1020}};
  s.calendar_events.push_back(
      schedule_set("biz_r", kZone, {hours, hours, hours, hours, hours, {}, {}}));
  // Tuesday 10:00 (bkg_r1, the one to move) and 14:00; Wednesday 10:00 and
  // 14:00: both days at the limit. Thursday 10:00, cancelled.
  const auto book = [&](const std::string& id, std::int64_t start, const std::string& sha) {
    s.calendar_events.push_back(booking_created("biz_r", id, "svc_long", start, 60, kZone,
                                                id + "@example.com", 1000, 0, 15, std::nullopt,
                                                sha));
    s.calendar_events.push_back(confirmed("biz_r", id));
  };
  book("bkg_r1", kTuesday + 9 * kHour, s.token.sha256_hex);
  book("bkg_r2", kTuesday + 13 * kHour, auth::sha256_hex("x"));
  book("bkg_r3", kTuesday + kDay + 9 * kHour, auth::sha256_hex("x"));
  book("bkg_r4", kTuesday + kDay + 13 * kHour, auth::sha256_hex("x"));
  book("bkg_r5", kTuesday + 2 * kDay + 9 * kHour, auth::sha256_hex("x"));
  s.calendar_events.push_back(cancelled("biz_r", "bkg_r5"));
  // The service changes after the bookings were made; they keep their length.
  s.business_events.push_back(service_updated("biz_r", "svc_long", 30, 0, 0));

  f.append<domain::BusinessEvent>("business", "biz_r", s.business_events);
  for (const auto& e : s.calendar_events) {
    f.append<domain::CalendarEvent>("calendar", "biz_r", std::vector<domain::CalendarEvent>{e});
  }
  f.append<domain::BusinessEvent>(
      "business", "biz_x",
      {business_created("biz_x", "other-x", "usr_x", "UTC", policy(30, 0, 30, 0)),
       service_defined("biz_x", "svc_x", 60, 0, 0, 1000)});
  f.append<domain::CalendarEvent>(
      "calendar", "biz_x",
      {schedule_set("biz_x", "UTC", {hours, hours, hours, hours, hours, {}, {}}),
       booking_created("biz_x", "bkg_x1", "svc_x", kTuesday + 9 * kHour, 60, "UTC", "x@example.com",
                       1000),
       confirmed("biz_x", "bkg_x1")});
  f.sync();
  return s;
}

// "HH:MM" in London of every listed slot of the date, and every slot.
struct Listed {
  std::map<std::string, std::vector<std::string>> by_date;
  std::vector<domain::Instant> all;
};

Listed listed(const httplib::Result& r) {
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const auto doc = json(r);
  Listed out;
  const domain::TimeZone london = domain::TimeZone::locate(kZone).value();
  for (const auto& day : doc["days"].GetArray()) {
    auto& times = out.by_date[day["date"].GetString()];
    for (const auto& s : day["slots"].GetArray()) {
      auto t = service::parse_rfc3339(s.GetString());
      REQUIRE(t.ok());
      out.all.push_back(t.value());
      times.push_back(query::format_in(london, t.value()).substr(11, 5));
    }
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// What /reschedule's decider says about moving `booking` to `start`.
std::string decide_move(const MoveScenario& s, const std::string& booking, domain::Instant start,
                        domain::Instant now, const domain::Actor& actor,
                        const std::string& token_sha = "") {
  const domain::CalendarState cal = domain::fold(domain::CalendarState{}, s.calendar_events);
  const domain::BusinessState biz = domain::fold(domain::BusinessState{}, s.business_events);
  auto d =
      domain::decide(cal, domain::RescheduleBooking{"biz_r", booking, "usr_r", actor, token_sha,
                                                    start, biz.policy.booking, now});
  return d ? std::string("ok") : d.error().code;
}

const std::string kPath = "/v1/businesses/move-r/availability?from=2026-05-26&to=2026-05-28";

// keep-k (owner usr_k): bookings made under one policy and schedule (a
// 15-minute grid, no notice, 30 days ahead, no daily limit, weekdays
// 09:00-17:00), then both changed (a 30-minute grid, 36 hours' notice, 10
// days ahead, at most 2 a day; Wednesday 13:00-17:00), so that each
// booking's current start breaks one rule of today. All 60 minutes, no
// buffers, confirmed, with the same manage token.
struct KeepScenario {
  auth::ManageToken token = auth::new_manage_token().value();
  std::vector<domain::BusinessEvent> business_events;
  std::vector<domain::CalendarEvent> calendar_events;
};

KeepScenario build_keep_scenario(QueryFixture& f) {
  KeepScenario s;
  s.business_events = {business_created("biz_k", "keep-k", "usr_k", kZone, policy(15, 0, 30, 0)),
                       service_defined("biz_k", "svc_k", 60, 0, 0, 1000)};
  const std::vector<std::pair<int, int>> hours = {{540, 1020}};
  s.calendar_events.push_back(
      schedule_set("biz_k", kZone, {hours, hours, hours, hours, hours, {}, {}}));
  const auto book = [&](const std::string& id, std::int64_t start) {
    s.calendar_events.push_back(booking_created("biz_k", id, "svc_k", start, 60, kZone,
                                                id + "@example.com", 1000, 0, 0, std::nullopt,
                                                s.token.sha256_hex));
    s.calendar_events.push_back(confirmed("biz_k", id));
  };
  book("bkg_notice", kTuesday + 8 * kHour);                  // Tue 09:00, inside the notice
  book("bkg_hours", kTuesday + kDay + 9 * kHour);            // Wed 10:00, outside the hours
  book("bkg_grid", kTuesday + 2 * kDay + 10 * kHour + 900);  // Thu 11:15, off the grid
  book("bkg_full", kTuesday + 3 * kDay + 9 * kHour);         // Fri 10:00, its date at the limit
  book("bkg_full2", kTuesday + 3 * kDay + 11 * kHour);       // Fri 12:00
  book("bkg_full3", kTuesday + 3 * kDay + 13 * kHour);       // Fri 14:00
  book("bkg_far", kTuesday + 14 * kDay + 9 * kHour);         // 2026-06-09 10:00, past the horizon
  book("bkg_past", kMonday - 3 * kDay + 9 * kHour);          // 2026-05-22 10:00, started
  v1::BookingPolicyChanged changed;
  changed.set_business_id("biz_k");
  *changed.mutable_policy() = policy(30, 36 * 60, 10, 2);
  s.business_events.emplace_back(changed);
  s.calendar_events.push_back(
      schedule_set("biz_k", kZone, {hours, hours, {{780, 1020}}, hours, hours, {}, {}}));

  f.append<domain::BusinessEvent>("business", "biz_k", s.business_events);
  for (const auto& e : s.calendar_events) {
    f.append<domain::CalendarEvent>("calendar", "biz_k", std::vector<domain::CalendarEvent>{e});
  }
  f.sync();
  return s;
}

// What /reschedule's decider does with moving `booking` to `start`:
// "moved", "no-op" (already_done), or the error code.
std::string keep_decision(const KeepScenario& s, const std::string& booking, domain::Instant start,
                          domain::Instant now, const domain::Actor& actor) {
  const domain::CalendarState cal = domain::fold(domain::CalendarState{}, s.calendar_events);
  const domain::BusinessState biz = domain::fold(domain::BusinessState{}, s.business_events);
  const std::string token_sha = actor.kind == domain::ActorKind::customer ? s.token.sha256_hex : "";
  auto d =
      domain::decide(cal, domain::RescheduleBooking{"biz_k", booking, "usr_k", actor, token_sha,
                                                    start, biz.policy.booking, now});
  if (!d) return d.error().code;
  return d->outcome == domain::DecideOutcome::already_done ? "no-op" : "moved";
}

// Every start of `date` (London) the decider accepts for `booking`, among
// the date's grid starts and the booking's current start, as "HH:MM".
std::vector<std::string> keep_accepted(const KeepScenario& s, const std::string& booking,
                                       const std::string& date, domain::Instant now,
                                       const domain::Actor& actor) {
  const domain::CalendarState cal = domain::fold(domain::CalendarState{}, s.calendar_events);
  const domain::BusinessState biz = domain::fold(domain::BusinessState{}, s.business_events);
  const domain::TimeZone london = domain::TimeZone::locate(kZone).value();
  const auto day = domain::parse_local_date(date).value();
  std::set<domain::Instant> candidates{cal.bookings.at(booking).start};
  for (const domain::Instant t :
       domain::slot_starts(cal.schedule, cal.overrides, *cal.zone, biz.policy.booking, day)) {
    candidates.insert(t);
  }
  std::vector<std::string> out;
  for (const domain::Instant t : candidates) {
    if (london.reading(t).date != day) continue;
    const std::string verdict = keep_decision(s, booking, t, now, actor);
    if (verdict == "moved" || verdict == "no-op")
      out.push_back(query::format_in(london, t).substr(11, 5));
  }
  return out;
}

domain::Instant at_seconds(std::int64_t unix_seconds) {
  return domain::Instant{std::chrono::seconds{unix_seconds}};
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture, "availability for a reschedule lists what /reschedule accepts") {
  const MoveScenario s = build_move_scenario(*this);
  const domain::Instant now{std::chrono::seconds{now_seconds.load()}};
  const domain::Actor owner{domain::ActorKind::owner, "usr_r"};

  // Publicly both days are at their limit of 2, and Thursday is open.
  const Listed pub = listed(get(kPath + "&service_id=svc_long"));
  CHECK(pub.by_date.at("2026-05-26").empty());
  CHECK(pub.by_date.at("2026-05-27").empty());
  CHECK(has(pub.by_date.at("2026-05-28"), "16:30"));  // the service is 30 minutes now

  const Listed mine = listed(get_as("usr_r", kPath + "&reschedule=bkg_r1"));
  const auto& tuesday = mine.by_date.at("2026-05-26");
  {
    INFO("its own time and what overlaps it are listed; it does not count on its date");
    CHECK(has(tuesday, "10:00"));
    CHECK(has(tuesday, "10:30"));
    CHECK(has(tuesday, "09:00"));
  }
  {
    INFO("the booking keeps its 60 minutes and 15-minute buffer, not the service's 30");
    // 12:30 ends with its buffer at 13:45, before bkg_r2 at 14:00; 13:00 would not.
    CHECK(tuesday == std::vector<std::string>{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
                                              "12:00", "12:30", "15:30"});
  }
  {
    INFO("another day at its limit stays closed: the moved booking would be its third");
    CHECK(mine.by_date.at("2026-05-27").empty());
    CHECK(decide_move(s, "bkg_r1",
                      domain::Instant{std::chrono::seconds{kTuesday + kDay + 11 * kHour}}, now,
                      owner) == "daily_limit_reached");
  }
  {
    INFO("every listed start is accepted by the decider, every accepted grid start is listed");
    const domain::CalendarState cal = domain::fold(domain::CalendarState{}, s.calendar_events);
    const domain::BusinessState biz = domain::fold(domain::BusinessState{}, s.business_events);
    std::set<domain::Instant> accepted;
    const auto first = domain::parse_local_date("2026-05-26").value();
    for (auto d = first; d <= first + date::days{2}; d += date::days{1}) {
      for (const domain::Instant t :
           domain::slot_starts(cal.schedule, cal.overrides, *cal.zone, biz.policy.booking, d)) {
        if (decide_move(s, "bkg_r1", t, now, owner) == "ok") accepted.insert(t);
      }
    }
    CHECK(std::set<domain::Instant>(mine.all.begin(), mine.all.end()) == accepted);
    CHECK(accepted.size() > 9);
  }
  {
    INFO("private: never cached by browsers or CDNs, no validator");
    auto r = get_as("usr_r", kPath + "&reschedule=bkg_r1");
    CHECK(r->get_header_value("Cache-Control") == "private, no-store");
    CHECK_FALSE(r->has_header("ETag"));
  }
}

TEST_CASE_FIXTURE(QueryFixture, "reschedule availability: who may ask, and which bookings") {
  const MoveScenario s = build_move_scenario(*this);
  const std::string path = kPath + "&reschedule=bkg_r1";
  const auto status = [&](const std::string& p, const httplib::Headers& h = {}) {
    auto r = get(p, h);
    REQUIRE(r);
    return r->status;
  };
  const httplib::Headers as_r = {{"Authorization", "Bearer " + token_for("usr_r")}};
  const httplib::Headers as_x = {{"Authorization", "Bearer " + token_for("usr_x")}};

  // Without credentials, or with a bad owner token: 401, as JSON.
  for (const httplib::Headers& h :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer nope"}},
        httplib::Headers{{"Authorization", "Bearer nope"},
                         {"X-Manage-Token", std::string(s.token.token)}}}) {
    auto r = get(path, h);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(error_code(r) == "unauthorized");
  }
  // The manage token, as a query parameter or a header, or the owner.
  CHECK(status(path + "&manage_token=" + s.token.token) == 200);
  CHECK(status(path, {{"X-Manage-Token", s.token.token}}) == 200);
  CHECK(status(path, as_r) == 200);
  // The same answer for each of them.
  CHECK(get(path + "&manage_token=" + s.token.token)->body == get(path, as_r)->body);
  // The business's id in place of its slug, as on every route.
  const std::string by_id =
      "/v1/businesses/biz_r/availability?from=2026-05-26&to=2026-05-28&reschedule=bkg_r1";
  CHECK(status(by_id, as_r) == 200);
  CHECK(get(by_id, as_r)->body == get(path, as_r)->body);

  // Another owner, a wrong token, an unknown booking, another business's
  // booking (through this business's path, or the other way round): 404.
  for (const auto& request : std::vector<std::pair<std::string, httplib::Headers>>{
           {path, as_x},
           {path + "&manage_token=" + std::string(43, 'A'), {}},
           {kPath + "&reschedule=bkg_nope", as_r},
           {kPath + "&reschedule=bkg_x1", as_r},
           {kPath + "&reschedule=bkg_x1", as_x},
           {"/v1/businesses/other-x/availability?from=2026-05-26&to=2026-05-28&reschedule=bkg_r1",
            as_r},
           {"/v1/businesses/nope/availability?from=2026-05-26&to=2026-05-28&reschedule=bkg_r1",
            as_r},
           {"/v1/businesses/biz_x/availability?from=2026-05-26&to=2026-05-28&reschedule=bkg_r1",
            as_r},
           {"/v1/businesses/biz_nope/availability?from=2026-05-26&to=2026-05-28&reschedule=bkg_r1",
            as_r}}) {
    CAPTURE(request.first);
    auto r = get(request.first, request.second);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(error_code(r) == "not_found");
  }

  // service_id may be given if it is the booking's own; another is a 400.
  CHECK(get(path + "&service_id=svc_long", as_r)->body == get(path, as_r)->body);
  auto other = get(path + "&service_id=svc_other", as_r);
  CHECK(other->status == 400);
  CHECK(error_code(other) == "invalid_request");
  CHECK(status(kPath + "&reschedule=", as_r) == 400);

  // A cancelled booking cannot move: /reschedule's 409 invalid_state.
  auto gone = get(kPath + "&reschedule=bkg_r5", as_r);
  CHECK(gone->status == 409);
  CHECK(error_code(gone) == "invalid_state");
  CHECK(decide_move(s, "bkg_r5", domain::Instant{std::chrono::seconds{kTuesday + 12 * kHour}},
                    fixed_now(), {domain::ActorKind::owner, "usr_r"}) == "invalid_state");

  // Once it has started, the customer can no longer move it; the owner can.
  now_seconds = kTuesday + 9 * kHour + 1800;
  const domain::Instant later{std::chrono::seconds{now_seconds.load()}};
  auto started = get(path + "&manage_token=" + s.token.token);
  CHECK(started->status == 409);
  CHECK(error_code(started) == "invalid_state");
  CHECK(decide_move(s, "bkg_r1", domain::Instant{std::chrono::seconds{kTuesday + 12 * kHour}},
                    later, {domain::ActorKind::customer, "bkg_r1"},
                    s.token.sha256_hex) == "invalid_state");
  const std::string jwt = test_jwt().issue("usr_r", later, std::chrono::hours(1)).value();
  CHECK(status(path, {{"Authorization", "Bearer " + jwt}}) == 200);
}

TEST_CASE_FIXTURE(QueryFixture, "reschedule availability leaves the cached public answers alone") {
  const MoveScenario s = build_move_scenario(*this);
  const std::string pub = kPath + "&service_id=svc_long";
  const std::string mine = kPath + "&reschedule=bkg_r1";
  auto before = get(pub);
  REQUIRE(before);
  REQUIRE(before->status == 200);
  // The public answer is cached (rows and rendered body) for this key; the
  // reschedule variant reads the same rows but must not answer with it...
  auto moved = get_as("usr_r", mine);
  REQUIRE(moved);
  CHECK(moved->status == 200);
  CHECK(moved->body != before->body);
  // ...nor leave its own answer where the public one is found.
  auto after = get(pub);
  CHECK(after->body == before->body);
  CHECK(after->get_header_value("ETag") == before->get_header_value("ETag"));
  CHECK(get(pub + "&tz=UTC")->body != get_as("usr_r", mine + "&tz=UTC")->body);
  CHECK(cache.stats().entries >= 1);
}

TEST_CASE_FIXTURE(QueryFixture,
                  "reschedule availability always lists the booking's current start, a no-op") {
  const KeepScenario s = build_keep_scenario(*this);
  const domain::Instant now{std::chrono::seconds{now_seconds.load()}};
  const domain::Actor customer{domain::ActorKind::customer, ""};
  const domain::Actor owner{domain::ActorKind::owner, "usr_k"};
  // The starts listed for `booking` on `date`, asked with its manage token
  // (the customer) or as the owner.
  const auto listed_on = [&](const std::string& booking, const std::string& date, bool as_owner) {
    const std::string path = "/v1/businesses/keep-k/availability?reschedule=" + booking +
                             "&from=" + date + "&to=" + date;
    const Listed l = as_owner ? listed(get_as("usr_k", path))
                              : listed(get(path + "&manage_token=" + s.token.token));
    return l.by_date.at(date);
  };
  using Times = std::vector<std::string>;
  struct Case {
    std::string why;
    std::string booking;
    std::string date;
    bool as_owner;
    Times want;
  };
  const std::vector<Case> cases = {
      {"inside today's 36 hours of notice (from Tuesday 13:00 on)", "bkg_notice", "2026-05-26",
       false, Times{"09:00", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"}},
      {"outside the hours Wednesday has now (13:00-17:00)", "bkg_hours", "2026-05-27", false,
       Times{"10:00", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"}},
      {"off today's 30-minute grid: 11:15 between 11:00 and 11:30", "bkg_grid", "2026-05-28", false,
       Times{"09:00", "09:30", "10:00", "10:30", "11:00", "11:15", "11:30", "12:00", "12:30",
             "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"}},
      {"on a date whose two other bookings reach today's limit of 2", "bkg_full", "2026-05-29",
       false, Times{"10:00"}},
      {"beyond today's horizon of 10 days", "bkg_far", "2026-06-09", false, Times{"10:00"}},
      {"started, moved by the owner", "bkg_past", "2026-05-22", true, Times{"10:00"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.why);
    CHECK(listed_on(c.booking, c.date, c.as_owner) == c.want);
    CHECK(keep_accepted(s, c.booking, c.date, now, c.as_owner ? owner : customer) == c.want);
  }

  // The decider, start by start: the current start is a no-op whatever
  // today's rules say of it, while its neighbours are judged by them.
  CHECK(keep_decision(s, "bkg_notice", at_seconds(kTuesday + 8 * kHour), now, customer) == "no-op");
  CHECK(keep_decision(s, "bkg_notice", at_seconds(kTuesday + 8 * kHour + 1800), now, customer) ==
        "too_soon");
  CHECK(keep_decision(s, "bkg_notice", at_seconds(kTuesday + 12 * kHour), now, customer) ==
        "moved");
  CHECK(keep_decision(s, "bkg_hours", at_seconds(kTuesday + kDay + 9 * kHour + 1800), now,
                      customer) == "outside_hours");
  CHECK(keep_decision(s, "bkg_grid", at_seconds(kTuesday + 2 * kDay + 10 * kHour + 900), now,
                      customer) == "no-op");
  CHECK(keep_decision(s, "bkg_grid", at_seconds(kTuesday + 2 * kDay + 10 * kHour + 2700), now,
                      customer) == "not_on_slot_grid");
  CHECK(keep_decision(s, "bkg_full", at_seconds(kTuesday + 3 * kDay + 15 * kHour), now, customer) ==
        "daily_limit_reached");
  CHECK(keep_decision(s, "bkg_far", at_seconds(kTuesday + 14 * kDay + 10 * kHour), now, customer) ==
        "beyond_horizon");
  CHECK(keep_decision(s, "bkg_past", at_seconds(kMonday - 3 * kDay + 9 * kHour), now, owner) ==
        "no-op");

  // Listed once, on its own date only.
  const std::string two_days =
      "/v1/businesses/keep-k/availability?reschedule=bkg_notice&from=2026-05-26&to=2026-05-27";
  const Listed both = listed(get(two_days + "&manage_token=" + s.token.token));
  CHECK(both.by_date.at("2026-05-26").front() == "09:00");
  CHECK(both.by_date.at("2026-05-27") ==
        Times{"13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"});
  // Thursday for bkg_full: bkg_grid's 11:15-12:15 is taken, and 11:15 is
  // not listed for a booking that does not hold it.
  CHECK(listed_on("bkg_full", "2026-05-28", false) == Times{"09:00", "09:30", "10:00", "12:30",
                                                            "13:00", "13:30", "14:00", "14:30",
                                                            "15:00", "15:30", "16:00"});
  // A booking that cannot move lists nothing, its start neither: the
  // customer's started booking is /reschedule's 409.
  auto started =
      get("/v1/businesses/keep-k/availability?reschedule=bkg_past&from=2026-05-22&to=2026-05-22"
          "&manage_token=" +
          s.token.token);
  REQUIRE(started);
  CHECK(started->status == 409);
  CHECK(error_code(started) == "invalid_state");
}

}  // namespace slotwise::testing
