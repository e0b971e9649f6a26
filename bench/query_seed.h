// Read models for the query benchmark (bench/query_bench.cc).
//
// Through the log (real events, projected by the real projector):
//   - `avail` (biz_avail, Europe/Berlin): one 60-minute service with 15
//     minutes' buffer after, Mon-Fri 09:00-18:00 and Sat 10:00-14:00, and a
//     realistic diary: 3 confirmed bookings per weekday and 1 on Saturdays
//     (about half the bookable hours) for 20 weeks around the measured week
//     (13 weeks before it, 6 after), 320 bookings; the availability query
//     reads those not yet 5 days over at the time of the run (about 150 on
//     2026-11-26).
//   - `list` (biz_list, owner usr_owner): a business and a service only.
// Directly in PostgreSQL (the log + projector path is ~1,000 commits/s here,
// so 1M bookings would take the whole session):
//   - N bookings of biz_list inserted by one INSERT ... SELECT generate_series
//     in the shape the projector writes (read_model_writer.cc
//     "booking_created" + "booking_status"), then VACUUM (ANALYZE) and
//     CHECKPOINT.
//
// Thread safety: none (benchmark programs). Errors: std::runtime_error.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/event_conversion.h"
#include "events/event_store.h"
#include "tests/read_side/pipelined_appender.h"
#include "tests/read_side/read_side_events.h"

namespace slotwise::bench {

// Monday 2026-12-07T00:00:00Z: the measured week is 2026-12-07..13.
inline constexpr std::int64_t kWeek = 1'796'601'600;
inline constexpr const char* kWeekFrom = "2026-12-07";
inline constexpr const char* kWeekTo = "2026-12-13";

inline void seed_log(events::EventStore& store) {
  using testing::booking_created;
  using testing::confirmed;
  testing::PipelinedAppender log(store, "query-bench-");
  // The projector writes each row from its own event, so the order of
  // commits across aggregates does not matter.
  log.append<domain::BusinessEvent>(
      "business", "biz_avail",
      {testing::business_created("biz_avail", "avail", "usr_avail", "Europe/Berlin",
                                 testing::policy(30, 60, 120, 0)),
       testing::service_defined("biz_avail", "svc_cut", 60, 0, 15, 4500)});
  log.append<domain::BusinessEvent>(
      "business", "biz_list",
      {testing::business_created("biz_list", "list", "usr_owner", "Europe/Berlin",
                                 testing::policy(30, 60, 120, 0)),
       testing::service_defined("biz_list", "svc_cut", 60, 0, 15, 4500)});
  const std::pair<int, int> weekday{540, 1080};
  log.append<domain::CalendarEvent>(
      "calendar", "biz_avail",
      {testing::schedule_set(
          "biz_avail", "Europe/Berlin",
          {{weekday}, {weekday}, {weekday}, {weekday}, {weekday}, {{600, 840}}, {}})});
  // Local start hours; Berlin is UTC+1 all of that winter, so UTC = local - 1.
  const std::vector<int> weekday_hours{9, 12, 15};
  const std::vector<int> saturday_hours{10};
  long n = 0;
  for (int week = -13; week <= 6; ++week) {
    for (int day = 0; day < 6; ++day) {
      for (int hour : day < 5 ? weekday_hours : saturday_hours) {
        const std::int64_t start =
            kWeek + (std::int64_t{week} * 7 + day) * 86400 + std::int64_t{hour - 1} * 3600;
        const std::string bkg = "bkg_avail" + std::to_string(n++);
        log.append<domain::CalendarEvent>(
            "calendar", "biz_avail",
            {booking_created("biz_avail", bkg, "svc_cut", start, 60, "Europe/Berlin",
                             "c" + std::to_string(n % 300) + "@example.com", 4500, 0, 15),
             confirmed("biz_avail", bkg)});
      }
    }
  }
  if (!log.drain(std::chrono::minutes(5))) throw std::runtime_error("appends failed");
}

// n bookings of biz_list, one every 10 minutes from 2024-01-01T00:00Z (1M
// span 19 years); every 10th cancelled. Returns the seconds it took.
inline double copy_bookings(const std::string& url, long n) {
  const auto t0 = std::chrono::steady_clock::now();
  pqxx::connection c(url);
  pqxx::work tx(c);
  tx.exec0(
      "INSERT INTO bookings (booking_id, business_id, service_id, status, start_at, end_at,"
      " local_date, buffer_before_minutes, buffer_after_minutes, time_zone, customer_name,"
      " customer_email, customer_email_normalized, customer_phone, customer_time_zone, notes,"
      " price_minor, amount_due_minor, currency, manage_token_sha256, hold_expires_at,"
      " created_at, updated_at, version)"
      " SELECT 'bkg_list' || i, 'biz_list', 'svc_cut',"
      " CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END,"
      " t, t + interval '60 minutes', (t AT TIME ZONE 'Europe/Berlin')::date, 0, 15,"
      " 'Europe/Berlin', 'Customer ' || (i % 5000), 'C' || (i % 5000) || '@Example.com',"
      " 'c' || (i % 5000) || '@example.com', '', '', 'notes of bkg_list' || i, 4500, 0, 'EUR',"
      " md5(i::text) || md5(i::text), NULL, t - interval '7 days', t - interval '6 days',"
      " 1000 + i"
      " FROM generate_series(0, " +
      std::to_string(n - 1) +
      ") AS g(i), LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00'"
      " + i * interval '10 minutes') AS x(t)");
  tx.commit();
  pqxx::nontransaction nt(c);
  // A steady state, as for a table filled over months: statistics, the
  // visibility map and a checkpoint now, so autovacuum and the checkpointer
  // do not process the bulk load during the measured phases.
  nt.exec0("VACUUM (ANALYZE)");
  nt.exec0("CHECKPOINT");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace slotwise::bench
