// The query API's own measure of projection lag: commits in the log the
// projection has not applied, and the age of the oldest of them, in its
// /metrics; zero when caught up, counted failures when a store is down.
#include "query-api/projection_lag.h"

#include <doctest/doctest.h>

#include "tests/query-api/query_fixture.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {
namespace {

domain::BusinessEvent renamed(const std::string& name) {
  v1::BusinessProfileUpdated e;
  e.set_business_id("biz_l");
  e.mutable_profile()->set_name(name);
  e.set_time_zone("UTC");
  return domain::BusinessEvent{e};
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture, "lag is the unapplied commits and the age of the oldest one") {
  append<domain::BusinessEvent>(
      "business", "biz_l",
      {business_created("biz_l", "lag-l", "usr_l", "UTC", policy(15, 0, 30, 0))});
  sync();
  std::chrono::seconds ahead{0};
  query::ProjectionLag lag(*store, read_store, "main", metrics, logger,
                           std::chrono::milliseconds(20),
                           [&] { return std::chrono::system_clock::now() + ahead; });
  auto caught_up = lag.probe();
  REQUIRE(caught_up.ok());
  CHECK(caught_up.value().events == 0);
  CHECK(caught_up.value().age.count() == 0);

  projector->stop();
  for (int i = 0; i < 3; ++i) {
    append<domain::BusinessEvent>("business", "biz_l", {renamed("Name " + std::to_string(i))});
  }
  ahead = std::chrono::seconds{120};  // two minutes after those commits were stored
  auto behind = lag.probe();
  REQUIRE(behind.ok());
  CHECK(behind.value().events == 3);
  CHECK(behind.value().age.count() >= 119);
  CHECK(behind.value().age.count() <= 130);
  const std::string rendered = metrics.render();
  CHECK(metric_value(rendered, "slotwise_projection_lag_events{projection=\"main\"}") == "3");
  CHECK(metric_value(rendered, "slotwise_projection_lag_seconds{projection=\"main\"}") ==
        std::to_string(behind.value().age.count()));

  // The thread keeps the gauges current: back to zero once the projector
  // has caught up.
  lag.start();
  projector = std::make_unique<RunningProjector>(*store, db, "projector-main");
  sync();
  CHECK(eventually([&] {
    return metric_value(metrics.render(), "slotwise_projection_lag_events{projection=\"main\"}") ==
           "0";
  }));
  CHECK(metric_value(metrics.render(), "slotwise_projection_lag_seconds{projection=\"main\"}") ==
        "0");
  lag.stop();
}

TEST_CASE_FIXTURE(QueryFixture,
                  "a checkpoint that cannot be read is an error, counted, gauges kept") {
  query::ConnectionPool nowhere{query::with_user(create_database("gone"), "slotwise_query"), 1,
                                std::chrono::milliseconds(500)};
  const query::ReadStore missing_tables{nowhere};
  query::ProjectionLag lag(*store, missing_tables, "main", metrics, logger,
                           std::chrono::milliseconds(20));
  auto r = lag.probe();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("checkpoint") == 0);
  lag.start();
  CHECK(eventually([&] {
    return metric_value(metrics.render(), "slotwise_query_lag_probe_failures_total") != "0";
  }));
  lag.stop();
}

}  // namespace slotwise::testing
