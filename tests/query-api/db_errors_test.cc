// The query API keeps the database's own error text (host, port, role, SQL)
// from its unauthenticated callers and logs it under the request's trace
// id: /readyz gives a generic reason while PostgreSQL cannot be reached, and
// a failing query is a 500 that names the trace id of its log line.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "auth/jwt.h"
#include "query-api/access.h"
#include "query-api/api.h"
#include "query-api/connection_pool.h"
#include "query-api/read_store.h"
#include "query-api/readiness.h"
#include "service/http_server.h"
#include "service/log.h"
#include "service/metrics.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

// The log lines, parsed; written from the server's worker threads.
class CapturedLog {
 public:
  service::Logger::Sink sink() {
    return [this](std::string_view line) {
      const std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    };
  }
  // The first line whose msg is `msg`, parsed; an empty object when none.
  rapidjson::Document find(const std::string& msg) const {
    const std::lock_guard<std::mutex> lock(mu_);
    for (const auto& line : lines_) {
      rapidjson::Document doc;
      doc.Parse(line.c_str());
      if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("msg") &&
          msg == doc["msg"].GetString()) {
        return doc;
      }
    }
    rapidjson::Document none;
    none.SetObject();
    return none;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

std::string member(const rapidjson::Document& doc, const char* name) {
  return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString() : "";
}

// slotwise-query's routes and readiness check over `pg_url`, as main.cc wires them.
struct QueryServer {
  explicit QueryServer(const std::string& pg_url)
      : pool(pg_url, 2, std::chrono::milliseconds(2000)),
        store(pool),
        access(
            auth::JwtCodec(auth::JwtKey::from_secret(std::string(40, 'k')).value(),
                           auth::JwtSettings{"slotwise", "slotwise-api", std::chrono::seconds(30)}),
            "feed-secret-for-tests"),
        api(store, access, query::QueryOptions{}, metrics) {
    api.install(server);
    server.set_readiness_check(query::readiness_check(store, "main", logger));
    auto port = server.start();
    REQUIRE(port.ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", port.value());
  }
  QueryServer(const QueryServer&) = delete;
  QueryServer& operator=(const QueryServer&) = delete;
  ~QueryServer() { server.stop(); }

  CapturedLog log;
  service::Logger logger{"slotwise-query", service::LogLevel::kInfo, log.sink()};
  service::MetricsRegistry metrics;
  query::ConnectionPool pool;
  query::ReadStore store;
  query::Access access;
  query::QueryApi api;
  service::HttpServer server{service::HttpServerOptions{}, logger, metrics};
  std::unique_ptr<httplib::Client> client;
};

}  // namespace

TEST_CASE("/readyz gives a generic reason while PostgreSQL is unreachable; the detail is logged") {
  const int dead = free_port();  // nothing listens there
  QueryServer q("postgresql://slotwise_query@127.0.0.1:" + std::to_string(dead) + "/slotwise");
  auto res = q.client->Get("/readyz");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(res->body.find("read models are unavailable") != std::string::npos);
  CHECK(res->body.find(std::to_string(dead)) == std::string::npos);
  CHECK(res->body.find("127.0.0.1") == std::string::npos);
  const auto line = q.log.find("not ready: read models unavailable");
  CHECK(member(line, "level") == "warn");
  CHECK(member(line, "error").find(std::to_string(dead)) != std::string::npos);
}

TEST_CASE("a failing query is a 500 naming its trace id, logged with the detail under that id") {
  PostgresServerFixture pg;
  // A database without the read models: every read fails with an SQL error.
  QueryServer q(pg.url("postgres"));
  auto res = q.client->Get("/v1/businesses/some-slug");
  REQUIRE(res);
  CHECK(res->status == 500);
  // traceparent: 00-<trace id>-<span id>-<flags>
  const std::string traceparent = res->get_header_value("traceparent");
  REQUIRE(traceparent.size() > 35);
  const std::string trace_id = traceparent.substr(3, 32);
  CHECK(res->body.find("trace " + trace_id) != std::string::npos);
  CHECK(res->body.find("does not exist") == std::string::npos);
  const auto line = q.log.find("query failed");
  CHECK(member(line, "level") == "error");
  CHECK(member(line, "trace_id") == trace_id);
  CHECK(member(line, "error").find("does not exist") != std::string::npos);
}

}  // namespace slotwise::testing
