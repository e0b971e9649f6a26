// A scripted scenario projected live (with a projector restart in the
// middle) leaves exactly the tables a clean rebuild from the log produces,
// and the tables hold what the scenario did.
#include <doctest/doctest.h>

#include "projections/batch_applier.h"
#include "tests/read_side/read_side_fixture.h"

namespace slotwise::testing {
namespace {

constexpr std::int64_t kBase = 1'780'000'000;  // 2026-05-28T20:26:40Z

// Phase 1: two owners' accounts, two businesses, services, schedules, 30
// bookings.
void phase_one(ReadSideFixture& f) {
  f.append<domain::AccountEvent>("account", "usr_a", {user_registered("usr_a", kBase)});
  f.append<domain::AccountEvent>("account", "usr_b", {user_registered("usr_b", kBase)});
  f.append<domain::AccountEvent>("account", "usr_a", {password_changed("usr_a", kBase + 60)});
  f.append<domain::BusinessEvent>(
      "business", "biz_a",
      {business_created("biz_a", "studio-a", "usr_a", "Europe/London", policy(15, 60, 60, 0)),
       service_defined("biz_a", "svc_cut", 45, 5, 10, 3500),
       service_defined("biz_a", "svc_dye", 90, 0, 15, 8000)});
  f.append<domain::BusinessEvent>(
      "business", "biz_b",
      {business_created("biz_b", "tutor-b", "usr_b", "America/New_York", policy(30, 0, 30, 4)),
       service_defined("biz_b", "svc_hour", 60, 0, 0, 5000)});
  f.append<domain::CalendarEvent>("calendar", "biz_a",
                                  {schedule_set("biz_a", "Europe/London",
                                                {{{540, 720}, {780, 1020}},
                                                 {{540, 1020}},
                                                 {},
                                                 {{600, 900}},
                                                 {{540, 1020}},
                                                 {{600, 780}},
                                                 {}})});
  f.append<domain::CalendarEvent>(
      "calendar", "biz_b",
      {schedule_set(
          "biz_b", "America/New_York",
          {{{480, 1200}}, {{480, 1200}}, {{480, 1200}}, {{480, 1200}}, {{480, 1200}}, {}, {}})});
  for (int i = 0; i < 30; ++i) {
    const std::string biz = i % 3 == 0 ? "biz_b" : "biz_a";
    const std::string tz = biz == "biz_b" ? "America/New_York" : "Europe/London";
    const std::string svc = biz == "biz_b" ? "svc_hour" : "svc_cut";
    const std::string bkg = "bkg_" + std::to_string(i);
    const std::string email = "Customer" + std::to_string(i % 7) + "@Example.com ";
    const std::int64_t start = kBase + std::int64_t{i} * 5 * 3600;
    // Every fifth booking as logged before bookings kept their terms.
    const auto terms = [&](domain::CalendarEvent created) {
      return i % 5 == 0 ? created : with_terms(std::move(created), 60 * i, 2 * i);
    };
    if (i % 2 == 0) {
      f.append<domain::CalendarEvent>(
          "calendar", biz,
          {terms(booking_created(biz, bkg, svc, start, 45, tz, email, 3500 + i)),
           confirmed(biz, bkg)},
          v1::ACTOR_KIND_CUSTOMER);
    } else {
      f.append<domain::CalendarEvent>("calendar", biz,
                                      {terms(booking_created(biz, bkg, svc, start, 45, tz, email,
                                                             3500 + i, 5, 10, start - 3600))},
                                      v1::ACTOR_KIND_CUSTOMER);
    }
  }
}

// Phase 2: every kind of change.
void phase_two(ReadSideFixture& f) {
  f.append<domain::AccountEvent>("account", "usr_a", {reset_requested("usr_a", kBase + 120)});
  f.append<domain::AccountEvent>("account", "usr_a", {password_changed("usr_a", kBase + 180)});
  // Two changes in one commit count twice (the aggregate appends one per
  // commit; the read model does not rely on it).
  f.append<domain::AccountEvent>(
      "account", "usr_b",
      {password_changed("usr_b", kBase + 240), password_changed("usr_b", kBase + 240)});
  f.append<domain::BusinessEvent>("business", "biz_a",
                                  {[] {
                                     v1::BusinessProfileUpdated e;
                                     e.set_business_id("biz_a");
                                     e.mutable_profile()->set_name("Studio A, renamed");
                                     e.set_time_zone("Europe/London");
                                     return domain::BusinessEvent{e};
                                   }(),
                                   [] {
                                     v1::BookingPolicyChanged e;
                                     e.set_business_id("biz_a");
                                     *e.mutable_policy() = policy(30, 120, 90, 6);
                                     return domain::BusinessEvent{e};
                                   }(),
                                   [] {
                                     v1::ServiceRetired e;
                                     e.set_business_id("biz_a");
                                     e.set_service_id("svc_dye");
                                     return domain::BusinessEvent{e};
                                   }()});
  f.append<domain::CalendarEvent>(
      "calendar", "biz_a",
      {override_set("biz_a", "Europe/London", "2026-06-01", true, {}),
       override_set("biz_a", "Europe/London", "2026-06-02", false, {{600, 660}}),
       override_set("biz_a", "Europe/London", "2026-06-03", false, {{600, 660}})});
  f.append<domain::CalendarEvent>("calendar", "biz_a", {[] {
                                    v1::DateOverrideCleared e;
                                    e.set_business_id("biz_a");
                                    e.set_local_date("2026-06-03");
                                    return domain::CalendarEvent{e};
                                  }()});
  for (int i = 0; i < 30; ++i) {
    const std::string biz = i % 3 == 0 ? "biz_b" : "biz_a";
    const std::string bkg = "bkg_" + std::to_string(i);
    switch (i % 6) {
      case 0:
        f.append<domain::CalendarEvent>("calendar", biz, {completed(biz, bkg)});
        break;
      case 1:
        f.append<domain::CalendarEvent>("calendar", biz, {expired(biz, bkg)});
        break;
      case 2:
        f.append<domain::CalendarEvent>("calendar", biz, {cancelled(biz, bkg)});
        break;
      case 3:
        f.append<domain::CalendarEvent>("calendar", biz, {confirmed(biz, bkg)});
        break;
      case 4:
        f.append<domain::CalendarEvent>(
            "calendar", biz,
            {rescheduled(biz, bkg, kBase + 40LL * 86400 + std::int64_t{i} * 3600, 45)});
        break;
      default:
        f.append<domain::CalendarEvent>("calendar", biz, {no_show(biz, bkg)});
        break;
    }
  }
}

}  // namespace

TEST_CASE_FIXTURE(ReadSideFixture, "live projection with a restart equals a clean rebuild") {
  const std::string live = create_database("live");
  phase_one(*this);
  {
    RunningProjector p(*store, live, "projector-live");
    REQUIRE(p.wait_for(last_position()));
  }
  // Restarted: continues from its checkpoint while new commits arrive.
  RunningProjector p(*store, live, "projector-live");
  phase_two(*this);
  REQUIRE(p.wait_for(last_position()));
  p.stop();

  const std::string rebuild = create_database("rebuild");
  {
    RunningProjector r(*store, rebuild, "projector-rebuild", 7);  // small batches: many commits
    REQUIRE(r.wait_for(last_position()));
  }
  CHECK(dump(live) == dump(rebuild));
  {
    INFO("customers kept incrementally equal customers recomputed from every booking");
    pqxx::connection c(rebuild);
    REQUIRE(projections::BatchApplier::recompute_aggregates(c).ok());
    CHECK(dump(live) == dump(rebuild));
  }

  {
    INFO("the tables hold what the scenario did");
    CHECK(count(live, "SELECT count(*) FROM bookings") == 30);
    CHECK(count(live, "SELECT count(*) FROM bookings WHERE status='completed'") == 5);
    CHECK(count(live, "SELECT count(*) FROM bookings WHERE status='no_show'") == 5);
    CHECK(count(live, "SELECT count(*) FROM bookings WHERE status='cancelled'") == 5);
    CHECK(count(live, "SELECT count(*) FROM bookings WHERE status='expired'") == 5);
    // i % 6 == 3 confirms a tentative one (odd i); i % 6 == 4 moves a confirmed one.
    CHECK(count(live, "SELECT count(*) FROM bookings WHERE status='confirmed'") == 10);
    CHECK(count(live, "SELECT sum(total) FROM daily_stats") == 30);
    CHECK(count(live, "SELECT count(*) FROM booking_history") == 30 + 15 + 30);
    CHECK(count(live, "SELECT sum(bookings_count) FROM customers") == 30);
    CHECK(count(live, "SELECT count(*) FROM customers WHERE business_id='biz_a'") == 7);
    CHECK(count(live, "SELECT count(*) FROM date_overrides") == 2);
    // Session generations: the number of password changes, and the last.
    CHECK(count(live, "SELECT count(*) FROM accounts") == 2);
    CHECK(count(live, "SELECT session_generation FROM accounts WHERE user_id='usr_a'") == 2);
    CHECK(count(live, "SELECT session_generation FROM accounts WHERE user_id='usr_b'") == 2);
    CHECK(count(live,
                "SELECT extract(epoch FROM password_changed_at)::bigint FROM accounts"
                " WHERE user_id='usr_a'") == kBase + 180);
    // The terms each booking was made under, kept through its reschedule
    // (bkg_4) and the business's policy change; none for those without.
    CHECK(count(live,
                "SELECT count(*) FROM bookings WHERE free_cancellation_cutoff_minutes IS "
                "NOT NULL AND late_cancellation_refund_percent IS NOT NULL") == 24);
    CHECK(count(live,
                "SELECT free_cancellation_cutoff_minutes + 1000 * "
                "late_cancellation_refund_percent FROM bookings WHERE booking_id='bkg_4'") ==
          240 + 8000);
    CHECK(count(live,
                "SELECT count(*) FROM bookings WHERE booking_id IN ('bkg_0','bkg_5') AND "
                "free_cancellation_cutoff_minutes IS NULL") == 2);
    CHECK(count(live, "SELECT count(*) FROM services WHERE active") == 2);
    CHECK(count(live, "SELECT min_notice_minutes FROM businesses WHERE slug='studio-a'") == 120);
    CHECK(count(live, "SELECT count(*) FROM bookings WHERE start_at >= to_timestamp(" +
                          std::to_string(kBase + 40LL * 86400) + ")") == 5);
    CHECK(count(live, "SELECT position FROM projection_checkpoints") ==
          static_cast<std::int64_t>(last_position()));
    // Revenue counts confirmed and completed bookings only.
    CHECK(count(live, "SELECT sum(revenue_minor) FROM daily_stats") ==
          count(live,
                "SELECT sum(price_minor) FROM bookings WHERE status IN ('confirmed','completed')"));
  }
}

}  // namespace slotwise::testing
