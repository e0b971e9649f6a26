// HttpServer end to end: a real cpp-httplib client against the server on a
// free loopback port.
#include "service/http_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "service/json_body.h"

using slotwise::service::HttpMethod;
using slotwise::service::HttpServer;
using slotwise::service::HttpServerOptions;
using slotwise::service::Logger;
using slotwise::service::LogLevel;
using slotwise::service::MetricsRegistry;
using slotwise::service::RequestContext;

namespace {

constexpr const char* kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// Log lines, safe to read while server threads write.
class LogCapture {
 public:
  Logger::Sink sink() {
    return [this](std::string_view line) {
      const std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    };
  }
  std::vector<std::string> lines() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

struct Fixture {
  Fixture() {
    HttpServerOptions options;
    options.worker_threads = 4;
    options.max_payload_bytes = 64;
    server = std::make_unique<HttpServer>(options, logger, metrics);
    server->get("/v1/things/{id}", [](RequestContext& ctx, httplib::Response& res) {
      slotwise::service::reply_json(res, 200,
                                    R"({"id":")" + std::string(ctx.path_param("id")) +
                                        R"(","route":")" + ctx.route() + R"("})");
    });
    server->get("/v1/things/special", [](RequestContext&, httplib::Response& res) {
      slotwise::service::reply_json(res, 200, R"({"special":true})");
    });
    server->post("/v1/things", [](RequestContext& ctx, httplib::Response& res) {
      auto doc = slotwise::service::parse_json(ctx.body());
      if (!doc.ok()) {
        slotwise::service::reply_error(res, doc.error());
        return;
      }
      slotwise::service::reply_json(res, 201, R"({"created":true})");
    });
    // Answers which method came and how many body bytes it had.
    for (const auto method :
         {HttpMethod::kPost, HttpMethod::kPut, HttpMethod::kPatch, HttpMethod::kDelete}) {
      server->route(method, "/v1/bodies", [](RequestContext& ctx, httplib::Response& res) {
        slotwise::service::reply_json(res, 200,
                                      R"({"method":")" + ctx.request().method +
                                          R"(","body_bytes":)" + std::to_string(ctx.body().size()) +
                                          "}");
      });
    }
    server->get("/boom", [](RequestContext&, httplib::Response& res) {
      res.set_header("X-Partial", "yes");
      throw std::runtime_error("kaboom");
    });
    server->get("/boom-int", [](RequestContext&, httplib::Response&) { throw 42; });
    server->set_readiness_check(
        [this]() -> slotwise::common::Result<slotwise::common::Unit, std::string> {
          if (!ready) return slotwise::common::fail(std::string("nats unreachable"));
          return slotwise::common::Unit{};
        });
    auto port = server->start();
    REQUIRE_MESSAGE(port.ok(), port.error());
    client = std::make_unique<httplib::Client>("127.0.0.1", port.value());
    client->set_tcp_nodelay(true);
  }

  LogCapture captured;
  Logger logger{"slotwise-test", LogLevel::kInfo, captured.sink()};
  MetricsRegistry metrics;
  std::atomic<bool> ready{false};
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<httplib::Client> client;
};

rapidjson::Document json_of(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  REQUIRE_MESSAGE(!doc.HasParseError(), body);
  return doc;
}

// A connected loopback socket whose reads give up after 3 s.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    const timeval timeout{3, 0};
    REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    REQUIRE(::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr) == 1);
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&&) = delete;
  RawConnection& operator=(RawConnection&&) = delete;
  ~RawConnection() { ::close(fd_); }

  // Sends `request` as it is, without closing our side (a client waiting
  // for its answer on a keep-alive connection), and returns the response
  // (status line, headers, Content-Length body) received before the
  // receive timeout; "" when none came.
  std::string exchange(const std::string& request) {
    REQUIRE(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size()));
    std::string response;
    std::array<char, 4096> buf{};
    while (!complete(response)) {
      const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
      if (n <= 0) return {};  // timed out or closed before a whole response
      response.append(buf.data(), static_cast<std::size_t>(n));
    }
    return response;
  }

 private:
  static bool complete(const std::string& response) {
    const auto end_of_headers = response.find("\r\n\r\n");
    if (end_of_headers == std::string::npos) return false;
    const std::string key = "Content-Length: ";
    const auto at = response.find(key);
    const std::size_t length = at == std::string::npos || at > end_of_headers
                                   ? 0
                                   : std::stoul(response.substr(at + key.size()));
    return response.size() >= end_of_headers + 4 + length;
  }

  int fd_;
};

std::string error_code_of(const httplib::Result& r) {
  const auto doc = json_of(r->body);
  REQUIRE(doc.HasMember("error"));
  return doc["error"]["code"].GetString();
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "GET /healthz answers 200 ok as JSON") {
  auto r = client->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"status":"ok"})");
  CHECK(r->get_header_value("Content-Type") == "application/json");
}

TEST_CASE_FIXTURE(Fixture, "GET /readyz is 503 not_ready until the check passes, then 200") {
  auto r = client->Get("/readyz");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body == R"({"error":{"code":"not_ready","message":"nats unreachable"}})");
  ready = true;
  r = client->Get("/readyz");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"status":"ready"})");
}

TEST_CASE_FIXTURE(Fixture, "an unknown path is a 404 JSON error") {
  auto r = client->Get("/nope/at/all");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(r->body == R"({"error":{"code":"not_found","message":"no such resource"}})");
  CHECK(r->get_header_value("Content-Type") == "application/json");
}

TEST_CASE_FIXTURE(Fixture, "a known path with another method is a 405 JSON error with Allow") {
  auto r = client->Delete("/healthz");
  REQUIRE(r);
  CHECK(r->status == 405);
  CHECK(r->body ==
        R"({"error":{"code":"method_not_allowed","message":"method DELETE is not allowed here"}})");
  CHECK(r->get_header_value("Allow") == "GET, HEAD, OPTIONS");
  r = client->Post("/v1/things/7", "{}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 405);
}

TEST_CASE_FIXTURE(Fixture, "OPTIONS on a known path lists the allowed methods") {
  auto r = client->Options("/v1/things");
  REQUIRE(r);
  CHECK(r->status == 204);
  CHECK(r->get_header_value("Allow") == "POST, OPTIONS");
}

TEST_CASE_FIXTURE(Fixture,
                  "an exception in a handler is a 500 JSON error and the server keeps serving") {
  auto r = client->Get("/boom");
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(error_code_of(r) == "internal");
  const std::string trace_id = r->get_header_value("traceparent").substr(3, 32);
  CHECK(json_of(r->body)["error"]["message"].GetString() ==
        "internal error (trace " + trace_id + ")");
  CHECK_FALSE(r->has_header("X-Partial"));  // the partial response was discarded

  r = client->Get("/boom-int");
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(error_code_of(r) == "internal");

  r = client->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);

  bool logged = false;
  for (const auto& line : captured.lines()) {
    const auto doc = json_of(line);
    if (std::string(doc["msg"].GetString()) == "request handler threw" &&
        std::string(doc["error"].GetString()) == "kaboom") {
      logged = std::string(doc["trace_id"].GetString()) == trace_id &&
               std::string(doc["level"].GetString()) == "error";
    }
  }
  CHECK(logged);
}

TEST_CASE_FIXTURE(Fixture,
                  "path parameters are extracted and a literal segment wins over a parameter") {
  auto r = client->Get("/v1/things/abc_123");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"id":"abc_123","route":"/v1/things/{id}"})");
  r = client->Get("/v1/things/special");
  REQUIRE(r);
  CHECK(r->body == R"({"special":true})");
  r = client->Get("/v1/things/");  // an empty segment matches no parameter
  REQUIRE(r);
  CHECK(r->status == 404);
}

TEST_CASE_FIXTURE(
    Fixture, "a caller's traceparent is continued and echoed; without one a new trace starts") {
  httplib::Headers headers{{"traceparent", kTraceparent}};
  auto r = client->Get("/healthz", headers);
  REQUIRE(r);
  const std::string echoed = r->get_header_value("traceparent");
  REQUIRE(echoed.size() == 55);
  CHECK(echoed.substr(0, 36) == "00-4bf92f3577b34da6a3ce929d0e0e4736-");
  CHECK(echoed.substr(36, 16) != "00f067aa0ba902b7");  // our own span id
  CHECK(echoed.substr(52) == "-01");

  r = client->Get("/healthz", httplib::Headers{{"traceparent", "not-a-trace"}});
  REQUIRE(r);
  const std::string fresh = r->get_header_value("traceparent");
  CHECK(fresh.size() == 55);
  CHECK(fresh.substr(3, 32) != "4bf92f3577b34da6a3ce929d0e0e4736");

  // The request's log line carries the same trace id.
  bool found = false;
  for (const auto& line : captured.lines()) {
    const auto doc = json_of(line);
    if (std::string(doc["msg"].GetString()) == "http request" &&
        std::string(doc["trace_id"].GetString()) == "4bf92f3577b34da6a3ce929d0e0e4736") {
      found = std::string(doc["route"].GetString()) == "/healthz" && doc["status"].GetInt() == 200;
    }
  }
  CHECK(found);
}

TEST_CASE_FIXTURE(Fixture,
                  "each request is one JSON log line with method, path, route and status") {
  REQUIRE(client->Get("/v1/things/42"));
  REQUIRE(client->Get("/missing"));
  std::vector<rapidjson::Document> requests;
  for (const auto& line : captured.lines()) {
    auto doc = json_of(line);
    if (std::string(doc["msg"].GetString()) == "http request") requests.push_back(std::move(doc));
  }
  REQUIRE(requests.size() == 2);
  CHECK(std::string(requests[0]["method"].GetString()) == "GET");
  CHECK(std::string(requests[0]["path"].GetString()) == "/v1/things/42");
  CHECK(std::string(requests[0]["route"].GetString()) == "/v1/things/{id}");
  CHECK(requests[0]["status"].GetInt() == 200);
  CHECK(requests[0]["duration_us"].GetInt64() >= 0);
  CHECK(std::string(requests[0]["service"].GetString()) == "slotwise-test");
  CHECK(std::string(requests[1]["route"].GetString()) == "unmatched");
  CHECK(requests[1]["status"].GetInt() == 404);
}

TEST_CASE_FIXTURE(Fixture, "GET /metrics counts requests by route pattern and status") {
  REQUIRE(client->Get("/v1/things/1"));
  REQUIRE(client->Get("/v1/things/2"));
  REQUIRE(client->Get("/nowhere"));
  auto r = client->Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r->body;
  CHECK(text.find("# TYPE slotwise_http_requests_total counter\n") != std::string::npos);
  CHECK(text.find("slotwise_http_requests_total{method=\"GET\",route=\"/v1/things/{id}\","
                  "status=\"200\"} 2\n") != std::string::npos);
  CHECK(text.find("slotwise_http_requests_total{method=\"GET\",route=\"unmatched\","
                  "status=\"404\"} 1\n") != std::string::npos);
  CHECK(text.find("slotwise_http_request_duration_seconds_count{method=\"GET\","
                  "route=\"/v1/things/{id}\",status=\"200\"} 2\n") != std::string::npos);
  CHECK(text.find("route=\"/v1/things/1\"") == std::string::npos);  // never the raw path

  // The /metrics request itself shows up in the next scrape.
  r = client->Get("/metrics");
  REQUIRE(r);
  CHECK(r->body.find("slotwise_http_requests_total{method=\"GET\",route=\"/metrics\","
                     "status=\"200\"} 1\n") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "bodies are parsed strictly and an oversized body is a 413 JSON error") {
  auto r = client->Post("/v1/things", R"({"a":1} trailing)", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(error_code_of(r) == "invalid_json");
  r = client->Post("/v1/things", R"({"a":1})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 201);
  r = client->Post("/v1/things", std::string(100, ' ') + "{}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(r->body ==
        R"({"error":{"code":"payload_too_large","message":"request body is too large"}})");
  CHECK(r->has_header("traceparent"));
  const auto metrics = client->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("slotwise_http_requests_total{method=\"POST\",route=\"/v1/things\","
                           "status=\"413\"} 1\n") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture,
                  "a request without Content-Length or Transfer-Encoding has an empty body") {
  // RFC 9112 §6.3. Such a request must be answered by its handler without
  // the server waiting for more bytes: the client below gives up after 3 s,
  // before the server's 5 s read timeout would end the wait with a 400.
  RawConnection connection(server->port());
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    CAPTURE(method);
    const std::string response = connection.exchange(
        std::string(method) +
        " /v1/bodies HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n\r\n");
    REQUIRE_FALSE(response.empty());
    CHECK(response.rfind("HTTP/1.1 200 ", 0) == 0);
    const auto body = response.substr(response.find("\r\n\r\n") + 4);
    CHECK(body == R"({"method":")" + std::string(method) + R"(","body_bytes":0})");
  }
}

TEST_CASE_FIXTURE(Fixture,
                  "a chunked body is refused with 411 before it is read, whatever its size") {
  RawConnection c(server->port());
  // Past the 64-byte limit of this server, in chunks: cpp-httplib alone
  // would read it all (its limit looks at Content-Length only).
  const std::string chunk(1000, ' ');
  std::string request =
      "POST /v1/things HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) request += "3e8\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  const std::string response = c.exchange(request);
  REQUIRE_FALSE(response.empty());
  CHECK(response.starts_with("HTTP/1.1 411 "));
  CHECK(response.find("Connection: close\r\n") != std::string::npos);
  CHECK(response.find(R"({"error":{"code":"length_required",)") != std::string::npos);
  // Nothing reached the handler.
  const auto metrics = client->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("route=\"/v1/things\",status=\"201\"") == std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "a Range header is ignored: the whole body, never a multipart copy") {
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 500; ++i) ranges += ",0-";
  auto whole = client->Get("/healthz");
  REQUIRE(whole);
  auto r = client->Get("/healthz", httplib::Headers{{"Range", ranges}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == whole->body);
  CHECK(r->get_header_value("Content-Type").find("multipart") == std::string::npos);
  auto one = client->Get("/healthz", httplib::Headers{{"Range", "bytes=0-1"}});
  REQUIRE(one);
  CHECK(one->status == 200);
  CHECK(one->body == whole->body);
}

TEST_CASE_FIXTURE(Fixture, "HEAD is answered by the GET route without a body") {
  auto r = client->Head("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.empty());
}

TEST_CASE_FIXTURE(Fixture, "stop() is graceful, idempotent, and the port stops answering") {
  REQUIRE(client->Get("/healthz"));
  client->stop();  // close our keep-alive connection so stop() need not wait for it
  server->stop();
  server->stop();
  httplib::Client after("127.0.0.1", server->port());
  after.set_tcp_nodelay(true);
  after.set_connection_timeout(std::chrono::seconds{2});
  CHECK_FALSE(after.Get("/healthz"));
}

TEST_CASE("two servers cannot bind the same port; the second reports why") {
  LogCapture captured;
  Logger logger{"slotwise-test", LogLevel::kInfo, captured.sink()};
  MetricsRegistry metrics;
  HttpServer first(HttpServerOptions{}, logger, metrics);
  auto port = first.start();
  REQUIRE(port.ok());
  HttpServerOptions options;
  options.port = port.value();
  HttpServer second(options, logger, metrics);
  auto again = second.start();
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().find("cannot bind 127.0.0.1:" + std::to_string(port.value())) == 0);
}
