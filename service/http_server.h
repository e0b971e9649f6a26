// HttpServer: the HTTP front of every SlotWise process, a wrapper over
// cpp-httplib's Server that gives all endpoints the same behaviour:
//
//  - TCP_NODELAY on (without it every keep-alive response stalls ~40 ms:
//    Nagle + delayed ACK, see /work/shared/notes/platform.md), a worker pool
//    of a configured size, payload, header and timeout limits, a listen
//    backlog large enough for bursts of new connections;
//  - a request with neither Content-Length nor Transfer-Encoding has an
//    empty body (RFC 9112 §6.3), whatever its method, and is answered at
//    once rather than after the read timeout;
//  - routes are patterns with named segments, "/v1/businesses/{id}/services/{sid}";
//    a literal segment wins over a {param} in the same position;
//  - each request gets a W3C trace context (the caller's `traceparent`
//    continued, or a new trace), echoed in the response `traceparent` header
//    and in its log line;
//  - each request is one JSON log line (method, path, route, status, duration)
//    and is counted in slotwise_http_requests_total and
//    slotwise_http_request_duration_seconds, labelled by method, route PATTERN
//    (bounded cardinality; "unmatched" for 404s) and status;
//  - an exception escaping a handler becomes a 500
//    {"error":{"code":"internal","message":"internal error (trace …)"}} and an
//    error log line with what(); the process never crashes on a request;
//  - an unknown path is a 404 JSON error; a known path with another method is
//    a 405 JSON error with an Allow header; OPTIONS on a known path is 204 with
//    Allow; errors cpp-httplib produces itself (400 bad request line, 413 body
//    too large, 414 URI too long) also get a JSON body;
//  - built in: GET /healthz -> 200 {"status":"ok"} (the process is up);
//    GET /readyz -> the readiness check: 200 {"status":"ready"} or 503
//    {"error":{"code":"not_ready","message":<reason>}}; GET /metrics -> the
//    registry in Prometheus text format 0.0.4.
//
// cpp-httplib serves one connection per worker thread for the connection's
// whole life (keep-alive included), so worker_threads bounds the number of
// concurrent connections; size it for the expected keep-alive clients.
//
// Lifecycle: construct, register routes, start() (binds and serves on a
// background thread, returns the port), stop() (graceful: stops accepting,
// lets in-flight requests finish, closes idle keep-alive connections within
// keep_alive_timeout; then joins the workers).
//
// Thread safety: route(), set_readiness_check() must be called before
// start(); handlers then run concurrently on the worker threads and must be
// thread-safe. stop() may be called from any thread (e.g. a signal callback),
// more than once.
// Errors: start() returns a message if the address cannot be bound. Route
// misuse (a malformed pattern, the same method and pattern twice) is a
// programming error and aborts with a message.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

#include "common/result.h"
#include "service/http_reply.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/trace.h"

namespace slotwise::service {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (start() returns the one chosen)
  std::size_t worker_threads = 64;
  std::size_t max_payload_bytes = std::size_t{1} << 20;  // larger bodies: 413
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  std::chrono::seconds keep_alive_timeout{5};
  // Requests served on one connection before it is closed. cpp-httplib's
  // default (5) would force benchmark clients to reconnect constantly.
  std::size_t keep_alive_max_requests = 100000;
  int listen_backlog = 1024;
};

enum class HttpMethod { kGet, kPost, kPut, kPatch, kDelete };

[[nodiscard]] const char* to_string(HttpMethod method);

// What a handler sees of one request besides the raw httplib::Request.
class RequestContext {
 public:
  RequestContext(const httplib::Request& request, TraceContext trace, Logger& logger)
      : request_(request), trace_(std::move(trace)), logger_(logger) {}

  [[nodiscard]] const httplib::Request& request() const { return request_; }
  [[nodiscard]] const std::string& body() const { return request_.body; }
  // The value of {name} in the matched pattern; "" when the pattern has none.
  [[nodiscard]] std::string_view path_param(std::string_view name) const;
  // The matched route pattern, e.g. "/v1/bookings/{id}/cancel".
  [[nodiscard]] const std::string& route() const { return route_; }
  [[nodiscard]] const TraceContext& trace() const { return trace_; }
  // The server's logger; add {"trace_id", trace().trace_id} to lines.
  [[nodiscard]] Logger& logger() const { return logger_; }

 private:
  friend class HttpServer;
  const httplib::Request& request_;
  TraceContext trace_;
  Logger& logger_;
  std::string route_;
  std::vector<std::pair<std::string_view, std::string>> params_;
};

class HttpServer {
 public:
  using Handler = std::function<void(RequestContext& ctx, httplib::Response& res)>;
  // Ready, or the reason the process cannot serve yet (for the 503 body).
  using ReadinessCheck = std::function<common::Result<common::Unit, std::string>()>;

  // `logger` and `metrics` must outlive the server.
  HttpServer(HttpServerOptions options, Logger& logger, MetricsRegistry& metrics);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  HttpServer(HttpServer&&) = delete;
  HttpServer& operator=(HttpServer&&) = delete;
  // Calls stop().
  ~HttpServer();

  void route(HttpMethod method, std::string pattern, Handler handler);
  void get(std::string pattern, Handler handler) {
    route(HttpMethod::kGet, std::move(pattern), std::move(handler));
  }
  void post(std::string pattern, Handler handler) {
    route(HttpMethod::kPost, std::move(pattern), std::move(handler));
  }
  void put(std::string pattern, Handler handler) {
    route(HttpMethod::kPut, std::move(pattern), std::move(handler));
  }
  void patch(std::string pattern, Handler handler) {
    route(HttpMethod::kPatch, std::move(pattern), std::move(handler));
  }
  void del(std::string pattern, Handler handler) {
    route(HttpMethod::kDelete, std::move(pattern), std::move(handler));
  }

  // Without one, /readyz always answers ready.
  void set_readiness_check(ReadinessCheck check) { readiness_ = std::move(check); }

  // Binds options.host:options.port and serves on a background thread.
  // Returns the bound port. May be called once.
  [[nodiscard]] common::Result<int, std::string> start();

  // Graceful stop (see above); returns when every worker has finished.
  void stop();

  // The bound port; 0 before start().
  [[nodiscard]] int port() const { return port_; }

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_param = false;
  };
  struct Route {
    HttpMethod method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  // The routes whose pattern matches a path, best (most literal) first.
  struct PathMatch {
    const Route* best_for_method = nullptr;
    std::vector<HttpMethod> allowed;  // methods of every route matching the path
    std::string pattern;              // label when no route matches the method
  };

  void dispatch(const httplib::Request& req, httplib::Response& res);
  // Fills a JSON body into errors cpp-httplib produced on its own.
  httplib::Server::HandlerResponse on_error(const httplib::Request& req, httplib::Response& res);
  [[nodiscard]] PathMatch match(std::string_view method, std::string_view path) const;
  // Counts, times (when `elapsed` is known) and logs one answered request.
  void record(const httplib::Request& req, int status, const std::string& route,
              const TraceContext& trace,
              std::optional<std::chrono::steady_clock::duration> elapsed);
  void add_builtin_routes();

  class Listener;  // httplib::Server with access to its listening socket

  HttpServerOptions options_;
  Logger& logger_;
  MetricsRegistry& metrics_;
  CounterFamily& requests_;
  HistogramFamily& durations_;
  Gauge& in_flight_;
  std::vector<Route> routes_;
  ReadinessCheck readiness_;
  std::unique_ptr<Listener> server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  std::atomic<bool> started_{false};
  std::mutex stop_mu_;  // stop() from a signal callback and the destructor
  int port_ = 0;
};

}  // namespace slotwise::service
