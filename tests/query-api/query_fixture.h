// The query API in-process over real servers: nats-server + PostgreSQL, a
// running projector (which also creates the read-only role), and
// slotwise-query's routes on a real HTTP server on a free port, connected to
// PostgreSQL as the read-only role, with a fixed clock and, as in
// production, the availability cache and the owner sessions kept exact by a
// ChangeListener (QuerySide, also for fixtures with the command side).
// Owner tokens are real HS256 JWTs.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "auth/jwt.h"
#include "auth/tokens.h"
#include "query-api/api.h"
#include "query-api/change_listener.h"
#include "query-api/connection_pool.h"
#include "query-api/query_config.h"
#include "service/http_server.h"
#include "tests/read_side/read_side_fixture.h"
#include "tests/support/eventually.h"

namespace slotwise::testing {

// 2026-05-25T00:00:00Z, a Monday.
inline domain::Instant fixed_now() {
  return domain::Instant{date::sys_days{date::year{2026} / 5 / 25}.time_since_epoch()};
}

inline auth::JwtCodec test_jwt() {
  return auth::JwtCodec(auth::JwtKey::from_secret(std::string(40, 'k')).value(),
                        auth::JwtSettings{"slotwise", "slotwise-api", std::chrono::seconds(30)});
}

// The query API's side of a fixture: a read-model database fed from `log`
// by its own projector (which also creates the read-only role), and, once
// start()ed, slotwise-query's routes on a real HTTP server on a free port,
// connected to PostgreSQL as the read-only role, with the availability
// cache and the owner sessions kept exact by a ChangeListener. Owner tokens
// are checked with `jwt`. Shared by QueryFixture and the fixtures that run
// the command side beside it (session_end_test.cc).
struct QuerySide {
  std::string db;
  std::unique_ptr<RunningProjector> projector;
  service::Logger logger{"query-test", service::LogLevel::kError};
  service::MetricsRegistry metrics;
  query::ConnectionPool pool;
  query::ReadStore read_store{pool};
  query::Access access;
  query::AvailabilityCache cache{"main", 1000};
  query::OwnerSessions sessions{"main", 1000};
  std::unique_ptr<query::ChangeListener> listener;
  std::unique_ptr<query::QueryApi> api;
  std::unique_ptr<service::HttpServer> server;
  std::unique_ptr<httplib::Client> client;

  QuerySide(const events::EventStore& log, std::string database, const auth::JwtCodec& jwt)
      : db(std::move(database)),
        projector(std::make_unique<RunningProjector>(log, db, "projector-main")),
        pool(query::with_user(db, "slotwise_query"), 4, std::chrono::milliseconds(2000)),
        access(jwt, "feed-secret-for-tests") {}
  QuerySide(const QuerySide&) = delete;
  QuerySide& operator=(const QuerySide&) = delete;
  ~QuerySide() { stop(); }

  // Once the projector leads: the listener (until the cache and the
  // sessions are connected), the API with `options`, its server and client.
  void start(query::QueryOptions options) {
    REQUIRE(projector->wait_leader());
    // Reconnects after 3 s rather than production's 500 ms: the cache test
    // that kills this connection asserts what requests do while it is down,
    // and on a loaded machine its append and projector wait alone could
    // outlast 500 ms, letting the listener back before the request is made.
    query::ChangeListenerOptions listening;
    listening.retry = std::chrono::seconds(3);
    listener = std::make_unique<query::ChangeListener>(
        query::with_user(db, "slotwise_query"), "main",
        std::vector<query::ChangeSink*>{&cache, &sessions}, logger, listening);
    listener->start();
    REQUIRE(eventually([&] { return cache.stats().connected && sessions.usable(std::nullopt); }));
    api = std::make_unique<query::QueryApi>(read_store, access, std::move(options), metrics, &cache,
                                            &sessions);
    server = std::make_unique<service::HttpServer>(service::HttpServerOptions{}, logger, metrics);
    api->install(*server);
    auto port = server->start();
    REQUIRE(port.ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", port.value());
    client->set_tcp_nodelay(true);
  }
  void stop() {
    if (server) server->stop();
    if (listener) listener->stop();
    projector->stop();
  }

  // testing::eventually, polling every 2 ms: these waits are on the hot
  // path of every query test (sync() after each write).
  [[nodiscard]] static bool eventually(const std::function<bool()>& done) {
    return testing::eventually(done, std::chrono::seconds(10), std::chrono::milliseconds(2));
  }
};

// The query API in-process over real servers with a fixed clock (QuerySide
// on ReadSideFixture's log and PostgreSQL).
struct QueryFixture : ReadSideFixture, QuerySide {
  // The API's "now"; tests may move it.
  std::atomic<std::int64_t> now_seconds{fixed_now().time_since_epoch().count()};

  explicit QueryFixture(
      std::chrono::milliseconds min_position_wait = std::chrono::milliseconds(2000))
      : QuerySide(*store, testing::create_database(pg, "rm"), test_jwt()) {
    query::QueryOptions o;
    o.clock = [this] { return domain::Instant{std::chrono::seconds{now_seconds.load()}}; };
    o.min_position_wait = min_position_wait;
    start(std::move(o));
  }
  QueryFixture(const QueryFixture&) = delete;
  QueryFixture& operator=(const QueryFixture&) = delete;
  // Stopped before now_seconds, which the API's clock reads, goes.
  ~QueryFixture() { stop(); }

  // Waits until the projector has applied everything appended so far and
  // the cache has seen the change notices up to there.
  void sync() {
    const std::uint64_t position = last_position();
    REQUIRE(projector->wait_for(position));
    REQUIRE(wait_cache_position(position));
  }
  [[nodiscard]] bool wait_cache_connected() const {
    return eventually([&] { return cache.stats().connected; });
  }
  [[nodiscard]] bool wait_cache_position(std::uint64_t position) const {
    return eventually([&] { return cache.usable(position); });
  }

  static std::string token_for(const std::string& user) {
    return test_jwt().issue(user, fixed_now(), std::chrono::hours(1)).value();
  }
  [[nodiscard]] httplib::Result get(const std::string& path,
                                    const httplib::Headers& headers = {}) const {
    return client->Get(path, headers);
  }
  [[nodiscard]] httplib::Result get_as(const std::string& user, const std::string& path) const {
    return get(path, {{"Authorization", "Bearer " + token_for(user)}});
  }
};

}  // namespace slotwise::testing
