// Shared by the read-side benchmarks (projection_bench, rebuild_bench): the
// benchmark log (N commits of a booking created + confirmed, 1,000
// businesses, appended pipelined through the events library), the raw
// pull-fetch baseline over it, and a result row.
//
// Thread safety: none (benchmark programs). Errors: std::runtime_error, which
// the programs' main() reports (a process boundary).
#pragma once

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/calendar.h"
#include "domain/event_conversion.h"
#include "events/event_store.h"
#include "events/subscription.h"

namespace slotwise::bench {

using Clock = std::chrono::steady_clock;

struct Row {
  std::string name;
  long ops = 0;
  double seconds = 0;
  [[nodiscard]] double rate() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

inline double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Commit i: booking bkg_bench<i> created and confirmed on biz_bench<i % 1000>.
inline events::AppendRequest booking_commit(long i) {
  namespace v1 = slotwise::events::v1;
  const std::string biz = "biz_bench" + std::to_string(i % 1000);
  const std::string bkg = "bkg_bench" + std::to_string(i);
  v1::BookingTentativelyCreated c;
  c.set_booking_id(bkg);
  c.set_business_id(biz);
  c.set_service_id("svc_bench");
  c.mutable_start()->set_seconds(1'790'000'000 + i * 1800);
  c.mutable_end()->set_seconds(1'790'000'000 + i * 1800 + 3600);
  c.set_time_zone("Europe/Berlin");
  c.mutable_customer()->set_name("Customer");
  c.mutable_customer()->set_email("c" + std::to_string(i % 5000) + "@example.com");
  c.mutable_price()->set_amount_minor(4500);
  c.mutable_price()->set_currency("EUR");
  v1::BookingConfirmed k;
  k.set_booking_id(bkg);
  k.set_business_id(biz);
  events::AppendRequest r;
  r.aggregate = {"calendar", biz};
  r.commit_id = "bench-" + std::to_string(i);
  for (const auto& e : std::vector<domain::CalendarEvent>{c, k}) {
    auto p = domain::to_packed(e);
    r.events.push_back({p.first, p.second});
  }
  return r;
}

// Appends commits [first, first + n) pipelined; throws when any fails.
inline void append_log(events::EventStore& store, long first, long n) {
  std::atomic<long> failed{0};
  for (long i = first; i < first + n; ++i) {
    store.append_async(booking_commit(i), [&](const auto& r) {
      if (!r) failed.fetch_add(1);
    });
  }
  if (!store.drain(std::chrono::minutes(30)) || failed.load() > 0) {
    throw std::runtime_error("appends failed");
  }
}

// Raw baseline: n deliveries through a durable pull consumer (batch 2000),
// each acknowledged, nothing else done with them.
inline Row raw_fetch(events::EventStore& store, long n, const std::string& durable) {
  auto sub = events::DurableSubscription::open(
      store, {durable, "sw.evt.>", std::chrono::seconds(30), 20000});
  if (!sub) throw std::runtime_error(sub.error().describe());
  long got = 0;
  const auto t0 = Clock::now();
  while (got < n) {
    auto batch = sub.value()->fetch(2000, std::chrono::milliseconds(1000));
    if (!batch) throw std::runtime_error(batch.error().describe());
    for (auto& d : batch.value()) {
      if (!events::DurableSubscription::ack(d)) throw std::runtime_error("ack");
      ++got;
    }
  }
  return {"raw pull-fetch + ack (batch 2000)", got, since(t0)};
}

}  // namespace slotwise::bench
